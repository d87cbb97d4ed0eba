import { Pool, type Dispatcher } from 'undici';

import type { MoatError } from '../../errors/index.js';
import type {
  ChatCompletion,
  ChatRequest,
  ChatStreamEvent,
  EmbeddingResult,
  FinishReason,
  InferenceBackend,
  TokenUsage,
} from '../inference-backend.js';
import { declaredLength, readCappedText } from './read-capped-text.js';
import { readChatStream } from './upstream-chat-stream.js';
import { toToolCalls, toWireChat } from './upstream-tool-calls.js';
import { malformedAnswerError, toUpstreamError, upstreamStatusError } from './upstream-failure.js';
import {
  chatCompletionSchema,
  embeddingsSchema,
  parseUpstreamJson,
  toFinishReason,
  type EmbeddingsBody,
} from './upstream-schemas.js';

export interface UpstreamBackendOptions {
  /** Base URL of an OpenAI-compatible API, ending in `/v1` (Ollama, llama.cpp server, vLLM). */
  baseUrl: string;
  /** The model's name on the upstream server; it replaces the catalog name on the wire. */
  upstreamModel: string;
  /**
   * Sent as `Authorization: Bearer …`. It goes nowhere else: not into logs, errors or
   * answers. @default undefined (no Authorization header)
   */
  apiKey?: string;
  /**
   * How long to wait for the answer's headers, which for a whole (non-streamed) answer
   * means the whole generation, and the longest silence allowed inside a body. The HTTP
   * client checks it on a coarse clock, so it fires up to about a second late.
   * @default 120000
   */
  timeoutMs?: number;
  /** Most connections held open to the upstream, in use or idle. @default 128 */
  maxConnections?: number;
  /** `max_tokens` sent when the request sets none. @default 256 */
  defaultMaxTokens?: number;
  /**
   * Largest whole answer read from the upstream: a chat completion that is not streamed, or
   * an embeddings list. Such an answer is held in memory to be parsed, so this bounds what one
   * request can make Moat hold; a larger one is cut off, its connection closed, and the
   * request fails with `upstream_error`. Streamed answers are passed on as they arrive and are
   * bounded per event instead.
   * @default 16777216 (16 MiB)
   */
  maxResponseBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_CONNECTIONS = 128;
const DEFAULT_MAX_TOKENS = 256;
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** A reachable host accepts a connection in well under this; waiting longer only stalls. */
const MAX_CONNECT_TIMEOUT_MS = 10_000;
/** Error bodies are read only to free the connection; past this size it is closed instead. */
const MAX_DISCARDED_BYTES = 64 * 1024;
/** A rough rule for English text, used only when an upstream reports no usage. */
const CHARACTERS_PER_TOKEN = 4;

const STREAM_OPTIONS = { include_usage: true } as const;

type UpstreamResponse = Dispatcher.ResponseData;

/**
 * A backend that forwards to an OpenAI-compatible server over one keep-alive connection
 * pool. Each answer is read and checked at the edge; a streamed answer is passed on chunk by
 * chunk as it arrives.
 *
 * Token counts are the upstream's own `usage`. An upstream that reports none gets estimates
 * instead: in a stream, one completion token per chunk that carried text; in a whole answer,
 * one per four characters; for embeddings, one per four characters of each input; a chat's
 * prompt tokens are then 0, since nothing here can count them.
 */
export function createUpstreamBackend(options: UpstreamBackendOptions): InferenceBackend {
  return new UpstreamBackend(options);
}

class UpstreamBackend implements InferenceBackend {
  readonly kind = 'upstream';
  readonly callsTools = true;
  readonly #pool: Pool;
  readonly #chatPath: string;
  readonly #embeddingsPath: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #upstreamModel: string;
  readonly #defaultMaxTokens: number;
  readonly #maxResponseBytes: number;
  #closing: Promise<void> | undefined;

  constructor(options: UpstreamBackendOptions) {
    const base = new URL(options.baseUrl);
    const basePath = base.pathname.replace(/\/+$/, '');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

    this.#pool = new Pool(base.origin, {
      connections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_MS),
    });
    this.#chatPath = `${basePath}/chat/completions${base.search}`;
    this.#embeddingsPath = `${basePath}/embeddings${base.search}`;
    this.#headers = requestHeaders(options.apiKey);
    this.#upstreamModel = options.upstreamModel;
    this.#defaultMaxTokens = options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  async completeChat(request: ChatRequest, signal: AbortSignal): Promise<ChatCompletion> {
    const response = await this.#post(this.#chatPath, this.#chatPayload(request, false), signal);
    const answer = parseUpstreamJson(await this.#readText(response, signal), chatCompletionSchema);

    const choice = answer.choices[0];
    const text = choice?.message.content ?? '';
    const toolCalls = toToolCalls(choice?.message.tool_calls);
    const usage = answer.usage
      ? {
          promptTokens: answer.usage.prompt_tokens,
          completionTokens: answer.usage.completion_tokens,
        }
      : estimateUsage(text + (toolCalls === undefined ? '' : JSON.stringify(toolCalls)));
    const finishReason = finishReasonOf(choice?.finish_reason, toolCalls !== undefined);
    return toolCalls === undefined
      ? { text, finishReason, usage }
      : { text, finishReason, usage, toolCalls };
  }

  streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamEvent> {
    const payload = this.#chatPayload(request, true);
    const send = async () => (await this.#post(this.#chatPath, payload, signal)).body;
    return readChatStream(send, { signal, toError: (thrown) => this.#toError(thrown, signal) });
  }

  async embed(inputs: readonly string[], signal: AbortSignal): Promise<EmbeddingResult> {
    if (inputs.length === 0) return { vectors: [], promptTokens: 0 };

    const payload = JSON.stringify({ model: this.#upstreamModel, input: inputs });
    const response = await this.#post(this.#embeddingsPath, payload, signal);
    const answer = parseUpstreamJson(await this.#readText(response, signal), embeddingsSchema);

    const promptTokens =
      answer.usage?.prompt_tokens ??
      inputs.reduce((sum, input) => sum + Math.ceil(input.length / CHARACTERS_PER_TOKEN), 0);
    return { vectors: vectorsInInputOrder(answer.data, inputs.length), promptTokens };
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.destroy();
    return this.#closing;
  }

  /**
   * Only fields the request carries are sent: `JSON.stringify` leaves out the undefined
   * ones, so an upstream applies its own defaults for the rest.
   */
  #chatPayload(request: ChatRequest, isStreaming: boolean): string {
    const { options } = request;
    return JSON.stringify({
      model: this.#upstreamModel,
      ...toWireChat(request),
      max_tokens: options.maxTokens ?? this.#defaultMaxTokens,
      temperature: options.temperature,
      top_p: options.topP,
      stop: options.stop,
      seed: options.seed,
      stream: isStreaming,
      stream_options: isStreaming ? STREAM_OPTIONS : undefined,
    });
  }

  /** Sends a request and returns a 2xx answer, its body not yet read. */
  async #post(path: string, payload: string, signal: AbortSignal): Promise<UpstreamResponse> {
    let response;
    try {
      response = await this.#pool.request({
        method: 'POST',
        path,
        headers: this.#headers,
        body: payload,
        signal,
      });
    } catch (thrown) {
      throw this.#toError(thrown, signal);
    }

    const { statusCode, body } = response;
    if (statusCode >= 200 && statusCode < 300) return response;

    // Read only to free the connection: the body may quote the prompt, so it goes nowhere.
    body.dump({ limit: MAX_DISCARDED_BYTES }).catch(ignore);
    throw upstreamStatusError(statusCode);
  }

  async #readText({ body, headers }: UpstreamResponse, signal: AbortSignal): Promise<string> {
    try {
      const declaredBytes = declaredLength(headers['content-length']);
      return await readCappedText(body, declaredBytes, this.#maxResponseBytes);
    } catch (thrown) {
      throw this.#toError(thrown, signal);
    }
  }

  #toError(thrown: unknown, signal: AbortSignal): MoatError {
    return toUpstreamError(thrown, { signal, isClosed: this.#closing !== undefined });
  }
}

function requestHeaders(apiKey: string | undefined): Readonly<Record<string, string>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
  return Object.freeze(headers);
}

/**
 * An answer that carries calls ends in them, whatever the server called its ending (some say
 * `stop`), unless it was cut short.
 */
export function finishReasonOf(
  upstreamReason: string | null | undefined,
  hasToolCalls: boolean,
): FinishReason {
  const reason = toFinishReason(upstreamReason);
  if (hasToolCalls && reason === 'stop') return 'tool_calls';
  // A server that says it called but sent no call: the answer simply ended.
  if (!hasToolCalls && reason === 'tool_calls') return 'stop';
  return reason;
}

/**
 * Usage for a whole answer from an upstream that reports none: prompt tokens are unknown
 * (0), completion tokens are estimated from the answer's length.
 */
function estimateUsage(text: string): TokenUsage {
  return { promptTokens: 0, completionTokens: Math.ceil(text.length / CHARACTERS_PER_TOKEN) };
}

/** Puts each vector where its `index` says, checking that every input got exactly one. */
function vectorsInInputOrder(data: EmbeddingsBody['data'], inputCount: number): number[][] {
  if (data.length !== inputCount) throw malformedAnswerError('wrong number of embeddings');

  const vectors = new Array<number[]>(inputCount);
  for (const { index, embedding } of data) {
    if (index >= inputCount || vectors[index] !== undefined) {
      throw malformedAnswerError('embedding indexes do not match the inputs');
    }
    vectors[index] = embedding;
  }
  return vectors;
}

function ignore(): void {
  // Discarding an error body: whether it arrives in full does not matter.
}
