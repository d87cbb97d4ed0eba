import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import {
  resolveChatWrapper,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaEmbeddingContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { MoatError, toMoatError } from '../../errors/index.js';
import type {
  ChatCompletion,
  ChatRequest,
  ChatStreamEvent,
  EmbeddingResult,
  GenerationOptions,
  InferenceBackend,
} from '../inference-backend.js';
import { countPromptTokens, startChat } from './chat-generation.js';
import { toChatHistory } from './chat-history.js';
import { checkModelFile } from './check-model-file.js';
import { SequencePool } from './sequence-pool.js';
import { acquireSharedLlama, releaseSharedLlama } from './shared-llama.js';

export interface EmbeddedBackendOptions {
  /** Path to the GGUF model file. */
  modelPath: string;
  /**
   * CPU threads for generation and embeddings. Keep it at or below the core count: with more
   * threads than cores ggml spin-waits and generation becomes many times slower. Models
   * under 32 MiB always use one thread; their matrices are too small to share out, and
   * waking a second thread costs more than it saves.
   * @default the machine's core count (`os.availableParallelism()`)
   */
  threads?: number;
  /** Tokens of context per request, prompt and answer together. @default 2048 */
  contextSize?: number;
  /** Requests answered at the same time, one engine sequence each; more wait in line. @default 2 */
  parallelSequences?: number;
  /** Most tokens an answer may have when the request does not say. @default 256 */
  defaultMaxTokens?: number;
  /** SHA-256 of the model file, hex. The file is hashed before loading and refused on mismatch. */
  expectedSha256?: string;
}

const SINGLE_THREAD_MODEL_BYTES = 32 * 1024 * 1024;

/**
 * The engine keeps the last cell of a sequence free. Prompt and answer must fit before it:
 * when they do not, the engine makes room by silently dropping the start of the
 * conversation, so the budget is checked before generation starts.
 */
const RESERVED_CONTEXT_TOKENS = 1;

type EngineSettings = Required<Omit<EmbeddedBackendOptions, 'expectedSha256'>>;

interface Engine {
  model: LlamaModel;
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  threads: number;
  defaultMaxTokens: number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) {
    throw new Error(`Embedded backend option ${name} must be a positive integer.`);
  }
  return resolved;
}

function resolveSettings(options: EmbeddedBackendOptions): EngineSettings {
  return {
    modelPath: options.modelPath,
    threads: positiveInteger('threads', options.threads, availableParallelism()),
    contextSize: positiveInteger('contextSize', options.contextSize, 2048),
    parallelSequences: positiveInteger('parallelSequences', options.parallelSequences, 2),
    defaultMaxTokens: positiveInteger('defaultMaxTokens', options.defaultMaxTokens, 256),
  };
}

async function loadEngine(llama: Llama, settings: EngineSettings): Promise<Engine> {
  const model = await llama.loadModel({ modelPath: settings.modelPath });
  try {
    const context = await model.createContext({
      contextSize: settings.contextSize,
      sequences: settings.parallelSequences,
      threads: settings.threads,
    });
    const chatWrapper = resolveChatWrapper(model, { warningLogs: false });
    const { threads, defaultMaxTokens } = settings;
    return { model, context, chatWrapper, threads, defaultMaxTokens };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

/**
 * Starts the in-process llama.cpp engine on one GGUF file. The file is hashed (when a digest
 * is given) and its metadata checked before llama.cpp opens it.
 */
export async function createEmbeddedBackend(
  options: EmbeddedBackendOptions,
): Promise<InferenceBackend> {
  const settings = resolveSettings(options);
  const facts = await checkModelFile(settings.modelPath, options.expectedSha256);
  if (facts.sizeBytes < SINGLE_THREAD_MODEL_BYTES) settings.threads = 1;

  const llama = await acquireSharedLlama().catch((error: unknown) => {
    throw new Error('The llama.cpp engine could not start (no usable CPU binary).', {
      cause: error,
    });
  });
  try {
    return new EmbeddedBackend(await loadEngine(llama, settings));
  } catch (error) {
    await releaseSharedLlama();
    throw new Error(`Model file ${settings.modelPath} could not be loaded by the engine.`, {
      cause: error,
    });
  }
}

class EmbeddedBackend implements InferenceBackend {
  readonly kind = 'embedded';
  private readonly pool: SequencePool;
  private readonly closing = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private embeddingContext: Promise<LlamaEmbeddingContext> | undefined;
  private closed: Promise<void> | undefined;

  constructor(private readonly engine: Engine) {
    const { context } = engine;
    this.pool = new SequencePool(
      Array.from({ length: context.totalSequences }, () => context.getSequence()),
    );
  }

  async *streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamEvent> {
    const sequence = await this.pool.acquire(signal);
    const stopped = new AbortController();
    const generationSignal = AbortSignal.any([signal, stopped.signal, this.closing.signal]);
    let generation: Promise<unknown> = Promise.resolve();

    try {
      const { model, chatWrapper } = this.engine;
      const history = toChatHistory(request.messages);
      const promptTokens = countPromptTokens(model, chatWrapper, history);
      const maxTokens = this.answerBudget(promptTokens, request.options, sequence.contextSize);
      const chat = startChat(
        { sequence, chatWrapper, history, maxTokens, options: request.options },
        { fallbackSeed: randomInt(2 ** 32), signal: generationSignal },
        () => this.requestError(undefined, signal),
      );
      generation = this.track(chat.result);

      for await (const text of chat.texts) yield { type: 'delta', text };
      const { finishReason, completionTokens } = await chat.result;
      if (generationSignal.aborted) throw this.requestError(undefined, signal);
      yield { type: 'finish', finishReason, usage: { promptTokens, completionTokens } };
    } catch (error) {
      throw this.requestError(error, signal);
    } finally {
      stopped.abort();
      await generation.catch(() => undefined);
      await this.pool.release(sequence);
    }
  }

  async completeChat(request: ChatRequest, signal: AbortSignal): Promise<ChatCompletion> {
    const parts: string[] = [];
    for await (const event of this.streamChat(request, signal)) {
      if (event.type === 'delta') parts.push(event.text);
      else return { text: parts.join(''), finishReason: event.finishReason, usage: event.usage };
    }
    throw new MoatError('engine_error');
  }

  async embed(inputs: readonly string[], signal: AbortSignal): Promise<EmbeddingResult> {
    try {
      const context = await this.track(this.embeddings());
      const vectors: number[][] = [];
      let promptTokens = 0;
      for (const input of inputs) {
        if (signal.aborted || this.closing.signal.aborted) throw this.requestError(null, signal);
        promptTokens += this.checkEmbeddingInput(context, input);
        const embedding = await this.track(context.getEmbeddingFor(input));
        vectors.push([...embedding.vector]);
      }
      return { vectors, promptTokens };
    } catch (error) {
      throw this.requestError(error, signal);
    }
  }

  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    this.pool.close();
    this.closing.abort();
    await Promise.allSettled([...this.inFlight]);

    const embeddingContext = await this.embeddingContext?.catch(() => undefined);
    await embeddingContext?.dispose();
    await this.engine.context.dispose();
    await this.engine.model.dispose();
    await releaseSharedLlama();
  }

  /** Tokens the answer may use: what was asked for, or the default cut to what is left. */
  private answerBudget(
    promptTokens: number,
    options: GenerationOptions,
    contextTokens: number,
  ): number {
    const requested = options.maxTokens;
    if (requested !== undefined && requested < 1) {
      throw new MoatError('invalid_request', { detail: 'max_tokens must be at least 1.' });
    }
    const availableTokens = contextTokens - RESERVED_CONTEXT_TOKENS - promptTokens;
    const maxTokens = requested ?? Math.min(this.engine.defaultMaxTokens, availableTokens);
    if (availableTokens < 1 || maxTokens > availableTokens) {
      throw new MoatError('context_length_exceeded');
    }
    return maxTokens;
  }

  private checkEmbeddingInput(context: LlamaEmbeddingContext, input: string): number {
    if (input === '') {
      throw new MoatError('invalid_request', { detail: 'An embedding input is empty.' });
    }
    const inputTokens = context.calculateInputLength(input);
    if (inputTokens >= this.engine.context.contextSize) {
      throw new MoatError('context_length_exceeded');
    }
    return inputTokens;
  }

  /** The embedding context, created on first use; a failed attempt is retried next time. */
  private embeddings(): Promise<LlamaEmbeddingContext> {
    if (this.embeddingContext !== undefined) return this.embeddingContext;
    const creating = this.engine.model.createEmbeddingContext({
      contextSize: this.engine.context.contextSize,
      threads: this.engine.threads,
    });
    this.embeddingContext = creating;
    creating.catch(() => {
      if (this.embeddingContext === creating) this.embeddingContext = undefined;
    });
    return creating;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const forget = (): void => {
      this.inFlight.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  /**
   * What a request's failure becomes. Engine messages are never copied: they can quote the
   * text they were working on.
   */
  private requestError(error: unknown, signal: AbortSignal): MoatError {
    if (this.closing.signal.aborted) return new MoatError('shutting_down', { cause: error });
    if (signal.aborted) return new MoatError('client_closed_request', { cause: error });
    return toMoatError(error, 'engine_error');
  }
}
