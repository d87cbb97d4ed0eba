import { randomInt } from 'node:crypto';
import type { ChatHistoryItem, LlamaContextSequence } from 'node-llama-cpp';

import { MoatError, toMoatError } from '../../errors/index.js';
import type {
  ChatCompletion,
  ChatRequest,
  ChatStreamEvent,
  EmbeddingResult,
  GenerationOptions,
  InferenceBackend,
} from '../inference-backend.js';
import { refuseTools } from '../inference-backend.js';
import { renderPrompt, startChat } from './chat-generation.js';
import { toChatHistory } from './chat-history.js';
import { checkModelFile } from './check-model-file.js';
import { ContextBudget } from './context-budget.js';
import {
  resolveSettings,
  type EmbeddedBackendOptions,
  type EngineSettings,
} from './embedded-backend-options.js';
import { LazyEmbeddingContext } from './lazy-embedding-context.js';
import { loadEngine, type Engine } from './load-engine.js';
import { SequencePool } from './sequence-pool.js';
import { acquireSharedLlama, releaseSharedLlama } from './shared-llama.js';

const SINGLE_THREAD_MODEL_BYTES = 32 * 1024 * 1024;

/** A chat request that fits its context, counted and ready to generate. */
interface PreparedChat {
  history: ChatHistoryItem[];
  options: GenerationOptions;
  promptTokens: number;
  maxTokens: number;
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
  const contextThreads = facts.sizeBytes < SINGLE_THREAD_MODEL_BYTES ? 1 : settings.threads;

  const llama = await acquireSharedLlama(settings.threads).catch((error: unknown) => {
    throw new Error('The llama.cpp engine could not start (no usable CPU binary).', {
      cause: error,
    });
  });
  try {
    const engine = await loadEngine(llama, settings, contextThreads);
    return new EmbeddedBackend(engine, settings, facts.longestTokenBytes);
  } catch (error) {
    await releaseSharedLlama();
    throw new Error(`Model file ${settings.modelPath} could not be loaded by the engine.`, {
      cause: error,
    });
  }
}

/**
 * Chat and embeddings on one model. Every request, of either kind, holds one slot of the
 * sequence pool while it runs, so `parallelSequences` and `maxQueuedRequests` bound both;
 * the process's thread budget bounds the threads they use together.
 */
class EmbeddedBackend implements InferenceBackend {
  readonly kind = 'embedded';
  readonly callsTools = false;
  readonly #engine: Engine;
  readonly #budget: ContextBudget;
  readonly #pool: SequencePool<LlamaContextSequence>;
  readonly #embeddingContext: LazyEmbeddingContext;
  readonly #closing = new AbortController();
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed: Promise<void> | undefined;

  constructor(engine: Engine, settings: EngineSettings, longestTokenBytes: number | undefined) {
    const { model, context, contextThreads } = engine;
    const contextTokens = context.contextSize;
    const sequences = Array.from({ length: context.totalSequences }, () => context.getSequence());

    this.#engine = engine;
    this.#budget = new ContextBudget({
      contextTokens,
      defaultMaxTokens: settings.defaultMaxTokens,
      longestTokenBytes,
    });
    this.#pool = new SequencePool(sequences, settings.maxQueuedRequests);
    this.#embeddingContext = new LazyEmbeddingContext(model, {
      contextTokens,
      threads: contextThreads,
    });
  }

  async *streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamEvent> {
    const prepared = this.#attempt(signal, () => this.#prepareChat(request));
    const sequence = await this.#pool.acquire(signal);

    try {
      yield* this.#generate(sequence, prepared, signal);
    } finally {
      await this.#pool.release(sequence);
    }
  }

  async completeChat(request: ChatRequest, signal: AbortSignal): Promise<ChatCompletion> {
    const parts: string[] = [];
    for await (const event of this.streamChat(request, signal)) {
      if (event.type === 'delta') parts.push(event.text);
      else if (event.type === 'finish')
        return { text: parts.join(''), finishReason: event.finishReason, usage: event.usage };
    }
    throw new MoatError('engine_error');
  }

  async embed(inputs: readonly string[], signal: AbortSignal): Promise<EmbeddingResult> {
    if (inputs.length === 0) return { vectors: [], promptTokens: 0 };
    this.#attempt(signal, () => {
      for (const input of inputs) this.#budget.checkEmbeddingLength(input);
    });
    const slot = await this.#pool.acquire(signal);

    try {
      return await this.#embedEach(inputs, signal);
    } catch (error) {
      throw this.#requestError(error, signal);
    } finally {
      await this.#pool.release(slot);
    }
  }

  close(): Promise<void> {
    this.#closed ??= this.#shutDown();
    return this.#closed;
  }

  async #shutDown(): Promise<void> {
    this.#pool.close();
    this.#closing.abort();
    await Promise.allSettled([...this.#inFlight]);

    await this.#embeddingContext.dispose();
    await this.#engine.context.dispose();
    await this.#engine.model.dispose();
    await releaseSharedLlama();
  }

  /**
   * Renders and counts the prompt. A prompt too long to fit is refused from its length
   * before it is tokenized, which would hold the event loop for as long as the text is long.
   */
  #prepareChat(request: ChatRequest): PreparedChat {
    if (this.#isClosing()) throw new MoatError('shutting_down');
    const { model, chatWrapper } = this.#engine;
    const { options } = request;
    refuseTools(request);

    const history = toChatHistory(request.messages);
    const prompt = renderPrompt(chatWrapper, history);
    this.#budget.checkPromptLength(prompt, options);

    const promptTokens = prompt.tokenize(model.tokenizer).length;
    const maxTokens = this.#budget.answerTokens(promptTokens, options);
    return { history, options, promptTokens, maxTokens };
  }

  async *#generate(
    sequence: LlamaContextSequence,
    prepared: PreparedChat,
    signal: AbortSignal,
  ): AsyncGenerator<ChatStreamEvent, void, undefined> {
    const stopped = new AbortController();
    const generationSignal = AbortSignal.any([signal, stopped.signal, this.#closing.signal]);
    let generation: Promise<unknown> = Promise.resolve();

    try {
      const { history, maxTokens, options, promptTokens } = prepared;
      const chat = startChat(
        { sequence, chatWrapper: this.#engine.chatWrapper, history, maxTokens, options },
        { fallbackSeed: randomInt(2 ** 32), signal: generationSignal },
        () => this.#requestError(undefined, signal),
      );
      generation = this.#track(chat.result);

      for await (const text of chat.texts) yield { type: 'delta', text };
      const { finishReason, completionTokens } = await chat.result;
      if (generationSignal.aborted) throw this.#requestError(undefined, signal);
      yield { type: 'finish', finishReason, usage: { promptTokens, completionTokens } };
    } catch (error) {
      throw this.#requestError(error, signal);
    } finally {
      stopped.abort();
      await generation.catch(() => undefined);
    }
  }

  async #embedEach(inputs: readonly string[], signal: AbortSignal): Promise<EmbeddingResult> {
    const vectors: number[][] = [];
    let promptTokens = 0;
    if (this.#isClosing()) throw new MoatError('shutting_down');
    const context = await this.#track(this.#embeddingContext.get());

    for (const input of inputs) {
      if (signal.aborted || this.#isClosing()) throw this.#requestError(null, signal);
      const inputTokens = context.calculateInputLength(input);
      this.#budget.checkEmbeddingTokens(inputTokens);

      const embedding = await this.#track(context.getEmbeddingFor(input));
      vectors.push([...embedding.vector]);
      promptTokens += inputTokens;
    }
    return { vectors, promptTokens };
  }

  /** Runs a synchronous step of a request, turning its failure into the request's error. */
  #attempt<T>(signal: AbortSignal, step: () => T): T {
    try {
      return step();
    } catch (error) {
      throw this.#requestError(error, signal);
    }
  }

  /** A method, not a field read: close() can begin during any await of a request. */
  #isClosing(): boolean {
    return this.#closing.signal.aborted;
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const forget = (): void => {
      this.#inFlight.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  /**
   * What a request's failure becomes. Engine messages are never copied: they can quote the
   * text they were working on.
   */
  #requestError(error: unknown, signal: AbortSignal): MoatError {
    if (this.#isClosing()) return new MoatError('shutting_down', { cause: error });
    if (signal.aborted) return new MoatError('client_closed_request', { cause: error });
    return toMoatError(error, 'engine_error');
  }
}
