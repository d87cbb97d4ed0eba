import { MoatError } from '../errors/index.js';

/**
 * The contract every inference backend implements: the in-process llama.cpp engine and
 * OpenAI-compatible upstream servers alike. The server speaks only to this interface.
 *
 * Backends never log, and never put prompt or answer text into an error: they throw
 * `MoatError`s whose messages come from the code table.
 */

export const CHAT_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** A call of one of the caller's tools, as the model asked for it. */
export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, as the model wrote it; it may not be valid JSON. */
  arguments: string;
}

export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** An assistant message's tool calls. */
  toolCalls?: readonly ToolCall[];
  /** A tool message: the id of the call whose result it holds. */
  toolCallId?: string;
}

/** A function the caller offers the model, in OpenAI's shape. */
export interface ToolDefinition {
  name: string;
  description?: string | undefined;
  /** A JSON Schema object, passed on as it is. */
  parameters?: Record<string, unknown> | undefined;
  strict?: boolean | undefined;
}

/** Whether and which tool the model must call: OpenAI's `tool_choice`. */
export type ToolChoice = 'none' | 'auto' | 'required' | { name: string };

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
  /** Absent when the caller offers no tools. */
  tools?: readonly ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
}

/**
 * Refuses a request that offers tools, or replays a tool exchange, to a backend that cannot
 * call tools, rather than answer it as if the tools were not there.
 */
export function refuseTools(request: ChatRequest): void {
  const param =
    request.tools !== undefined
      ? 'tools'
      : request.messages.some((message) => message.role === 'tool' || message.toolCalls)
        ? 'messages'
        : undefined;
  if (param === undefined) return;
  throw new MoatError('unsupported_field', {
    detail:
      `Field ${param} holds tools, which need a model served by an upstream: ` +
      'the embedded engine does not call tools.',
    param,
  });
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export const FINISH_REASONS = ['stop', 'length', 'tool_calls'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/**
 * One step of a streamed answer: some text, then at most one `tool-calls` holding every call
 * whole, then exactly one `finish`. `tool-calls-begun` says, as soon as the model starts to
 * call, that calls are coming, so the answer can begin before they are whole.
 */
export type ChatStreamEvent =
  | { type: 'delta'; text: string }
  | { type: 'tool-calls-begun' }
  | { type: 'tool-calls'; calls: readonly ToolCall[] }
  | { type: 'finish'; finishReason: FinishReason; usage: TokenUsage };

export interface ChatCompletion {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  /** Present when the model called tools. */
  toolCalls?: readonly ToolCall[];
}

export interface EmbeddingResult {
  vectors: number[][];
  promptTokens: number;
}

export interface InferenceBackend {
  readonly kind: 'embedded' | 'upstream';
  /** Whether the backend can offer the model tools and pass on its calls. */
  readonly callsTools: boolean;

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
