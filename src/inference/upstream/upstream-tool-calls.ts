import { randomUUID } from 'node:crypto';
import { z } from 'zod';

import type { ChatMessage, ChatRequest, ToolCall } from '../inference-backend.js';
import { malformedAnswerError } from './upstream-failure.js';

/**
 * Tools on the OpenAI wire: the request's tools, tool choice and tool exchanges going out,
 * and the model's tool calls coming back, whole or streamed in pieces.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
 */

/** Servers send arguments as JSON text; a few send the object itself. */
const argumentsSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);

export const wholeToolCallSchema = z.object({
  id: z.string().nullish(),
  function: z.object({ name: z.string(), arguments: argumentsSchema.nullish() }),
});

export const toolCallPieceSchema = z.object({
  index: z.number().int().nonnegative().nullish(),
  id: z.string().nullish(),
  function: z
    .object({ name: z.string().nullish(), arguments: argumentsSchema.nullish() })
    .nullish(),
});

type WholeToolCallBody = z.infer<typeof wholeToolCallSchema>;
type ToolCallPieceBody = z.infer<typeof toolCallPieceSchema>;

/** More calls than any model makes in one answer; more is not a chat answer. */
const MAX_TOOL_CALLS = 128;
/** Bounds what one streamed answer's calls can make Moat hold while they arrive. */
const MAX_ARGUMENT_CHARS = 4 * 1024 * 1024;
/** OpenAI's limit on a function's name. */
const MAX_NAME_CHARS = 64;

/** The request's messages and tool fields as the OpenAI wire has them. */
export function toWireChat(request: ChatRequest): object {
  const { tools, toolChoice, parallelToolCalls } = request;
  return {
    messages: request.messages.map(toWireMessage),
    tools: tools?.map((tool) => ({ type: 'function', function: tool })),
    tool_choice:
      typeof toolChoice === 'object'
        ? { type: 'function', function: { name: toolChoice.name } }
        : toolChoice,
    parallel_tool_calls: parallelToolCalls,
  };
}

function toWireMessage(message: ChatMessage): object {
  if (message.role === 'tool') {
    return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
  if (message.toolCalls === undefined) return { role: message.role, content: message.content };
  return {
    role: message.role,
    // OpenAI's own servers want null, not "", beside tool calls.
    content: message.content === '' ? null : message.content,
    tool_calls: message.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    })),
  };
}

/** The calls of a whole answer; undefined when it has none. */
export function toToolCalls(
  calls: readonly WholeToolCallBody[] | null | undefined,
): ToolCall[] | undefined {
  if (calls === undefined || calls === null || calls.length === 0) return undefined;
  if (calls.length > MAX_TOOL_CALLS) throw malformedAnswerError('too many tool calls');
  for (const call of calls) checkName(call.function.name);
  return calls.map((call) => ({
    id: call.id ?? generatedId(),
    name: call.function.name,
    arguments: argumentsText(call.function.arguments),
  }));
}

/**
 * Puts a streamed answer's tool calls together from their pieces. Servers send each call's
 * id and name in its first piece and its arguments in many. A piece without an index
 * belongs to the call the piece before it belonged to (servers that make one call at a
 * time), and a piece whose id differs from its slot's starts a call of its own (servers that
 * number every call 0).
 */
export class ToolCallAssembler {
  // Sparse while pieces arrive: a server may number its calls from anywhere.
  readonly #calls: ({ id?: string; name: string; arguments: string } | undefined)[] = [];
  #argumentChars = 0;
  #lastIndex = 0;

  add(pieces: readonly ToolCallPieceBody[]): void {
    for (const piece of pieces) {
      const index = this.#indexFor(piece);
      if (index >= MAX_TOOL_CALLS) throw malformedAnswerError('too many tool calls');
      const call = (this.#calls[index] ??= { name: '', arguments: '' });
      if (piece.id) call.id = piece.id;
      // OpenAI sends a name once and whole; servers that repeat it repeat it whole.
      const name = piece.function?.name;
      if (name && call.name === '') call.name = name;
      if (call.name.length > MAX_NAME_CHARS) throw malformedAnswerError('a tool name too long');

      const text = argumentsText(piece.function?.arguments);
      this.#argumentChars += text.length;
      if (this.#argumentChars > MAX_ARGUMENT_CHARS) {
        throw malformedAnswerError('tool call arguments too long');
      }
      call.arguments += text;
    }
  }

  #indexFor(piece: ToolCallPieceBody): number {
    const index = piece.index ?? this.#lastIndex;
    const taken = this.#calls[index]?.id;
    const next = piece.id && taken !== undefined && taken !== piece.id ? this.#calls.length : index;
    this.#lastIndex = next;
    return next;
  }

  /** Whether any piece has come yet. */
  hasBegun(): boolean {
    return this.#calls.length > 0;
  }

  /** Every call, whole; undefined when the answer made none. */
  finish(): ToolCall[] | undefined {
    const calls = this.#calls.filter((call) => call !== undefined);
    if (calls.length === 0) return undefined;
    for (const call of calls) checkName(call.name);
    return calls.map((call) => ({
      id: call.id ?? generatedId(),
      name: call.name,
      arguments: call.arguments,
    }));
  }
}

function checkName(name: string): void {
  if (name === '') throw malformedAnswerError('a tool call without a name');
  if (name.length > MAX_NAME_CHARS) throw malformedAnswerError('a tool name too long');
}

function argumentsText(value: string | Record<string, unknown> | null | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Some servers leave ids out; the caller needs one to answer the call. */
function generatedId(): string {
  return `call_${randomUUID().replaceAll('-', '')}`;
}
