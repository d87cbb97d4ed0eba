/**
 * The contract every inference backend implements: the in-process llama.cpp engine and
 * OpenAI-compatible upstream servers alike. The server speaks only to this interface.
 *
 * Backends never log, and never put prompt or answer text into an error: they throw
 * `MoatError`s whose messages come from the code table.
 */

export const CHAT_ROLES = ['system', 'user', 'assistant'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface GenerationOptions {
  /** Most tokens to generate; the backend's own default when absent. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  /** Up to four sequences that end generation; they are not part of the answer. */
  stop?: readonly string[];
  seed?: number;
}

export interface ChatRequest {
  messages: readonly ChatMessage[];
  options: GenerationOptions;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export const FINISH_REASONS = ['stop', 'length'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/** One step of a streamed answer: some text, then exactly one `finish`. */
export type ChatStreamEvent =
  | { type: 'delta'; text: string }
  | { type: 'finish'; finishReason: FinishReason; usage: TokenUsage };

export interface ChatCompletion {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
}

export interface EmbeddingResult {
  vectors: number[][];
  promptTokens: number;
}

export interface InferenceBackend {
  readonly kind: 'embedded' | 'upstream';

  /**
   * Streams an answer. Aborting `signal` must stop generation at once and free whatever the
   * request held (an engine sequence, an upstream connection); the iterator then ends by
   * throwing a `MoatError` with code `client_closed_request`.
   */
  streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamEvent>;

  /** Answers in one piece; same abort rule as `streamChat`. */
  completeChat(request: ChatRequest, signal: AbortSignal): Promise<ChatCompletion>;

  /** One vector per input, in input order. */
  embed(inputs: readonly string[], signal: AbortSignal): Promise<EmbeddingResult>;

  /** Releases engines, pools and sockets. Idempotent. */
  close(): Promise<void>;
}
