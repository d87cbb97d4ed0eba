import type { FastifyRequest } from 'fastify';
import type { ChatMessage, ChatRequest, ToolCall } from '../inference/index.js';
import { MoatError } from '../errors/index.js';
import {
  AnswerFilter,
  type ProtectedText,
  type RedactionSession,
  type Redactor,
} from '../redaction/index.js';

/**
 * Applies policy to a chat on its way to the model, in a session kept on the request so that
 * the answer can be restored and the counts logged: every message's content, the arguments
 * of earlier tool calls, the tools' descriptions and parameter schemas, and the stop
 * sequences, all in one batch. Throws `content_blocked` or `redaction_failed`; the backend is
 * then never called.
 */
export async function protectChat(
  redactor: Redactor | undefined,
  request: FastifyRequest,
  chatRequest: ChatRequest,
): Promise<ChatRequest> {
  if (redactor === undefined) return chatRequest;
  const session = redactor.openSession();
  request.moat.redaction = session;

  const batch = new TextBatch();
  const messages = chatRequest.messages.map((message) => ({
    message,
    content: batch.add(message.content, message.role === 'tool' && isJson(message.content)),
    calls: message.toolCalls?.map((call) => ({ call, arguments: batch.add(call.arguments, true) })),
  }));
  const tools = chatRequest.tools?.map((tool) => ({
    tool,
    description: tool.description === undefined ? undefined : batch.add(tool.description, false),
    parameters:
      tool.parameters === undefined ? undefined : batch.add(JSON.stringify(tool.parameters), true),
  }));
  const stop = chatRequest.options.stop?.map((text) => batch.add(text, false));
  await batch.protect(session);

  const opaqueId = opaqueIds();
  const result: ChatRequest = {
    ...chatRequest,
    messages: messages.map(({ message, content, calls }): ChatMessage => {
      const protectedMessage: ChatMessage = { ...message, content: batch.result(content) };
      if (calls !== undefined) {
        protectedMessage.toolCalls = calls.map(({ call, arguments: handle }) => ({
          ...call,
          id: opaqueId(call.id),
          arguments: batch.result(handle),
        }));
      }
      if (message.toolCallId !== undefined)
        protectedMessage.toolCallId = opaqueId(message.toolCallId);
      return protectedMessage;
    }),
  };
  if (tools !== undefined) {
    result.tools = tools.map(({ tool, description, parameters }) => ({
      ...tool,
      description: description === undefined ? undefined : batch.result(description),
      parameters: parameters === undefined ? undefined : parseObject(batch.result(parameters)),
    }));
  }
  if (stop !== undefined) {
    result.options = { ...chatRequest.options, stop: stop.map((handle) => batch.result(handle)) };
  }
  return result;
}

/** Texts gathered from all over a request, protected together, each read back by its handle. */
class TextBatch {
  readonly #texts: ProtectedText[] = [];
  #results: readonly string[] = [];

  add(text: string, isJson: boolean): number {
    return this.#texts.push({ text, isJson }) - 1;
  }

  async protect(session: RedactionSession): Promise<void> {
    this.#results = await session.protectTexts(this.#texts, 'model');
  }

  result(handle: number): string {
    return this.#results[handle] ?? '';
  }
}

/** A schema protected as JSON is still JSON; anything else would be a fault of Moat's own. */
function parseObject(json: string): Record<string, unknown> {
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch (error) {
    throw new MoatError('redaction_failed', { cause: error });
  }
}

/**
 * A tool's result is read as JSON only when it is JSON; a result in plain text is scanned as
 * text, as a user message would be. The model's arguments are always read as JSON, even when
 * cut short, which is when they are most likely not valid.
 */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Call ids are the caller's text and no detector reads them; the model only needs to pair a
 * result with its call, so it sees ids Moat made, the same for the same id within a request.
 */
function opaqueIds(): (id: string) => string {
  const byCallerId = new Map<string, string>();
  return (id) => {
    let opaque = byCallerId.get(id);
    if (opaque === undefined) {
      opaque = `call_${byCallerId.size + 1}`;
      byCallerId.set(id, opaque);
    }
    return opaque;
  };
}

/** Policy for embedding inputs: what is protected toward a chat model is protected here too. */
export async function protectInputs(
  redactor: Redactor | undefined,
  request: FastifyRequest,
  inputs: readonly string[],
): Promise<readonly string[]> {
  if (redactor === undefined) return inputs;
  const session = redactor.openSession();
  request.moat.redaction = session;
  return session.protectAll(inputs, 'model');
}

/** A whole answer with caller policy applied and placeholders restored. */
export async function revealAnswer(request: FastifyRequest, text: string): Promise<string> {
  const session: RedactionSession | undefined = request.moat.redaction;
  return session === undefined ? text : session.revealAnswer(text);
}

/** The model's tool calls with caller policy applied and placeholders restored. */
export async function revealToolCalls(
  request: FastifyRequest,
  calls: readonly ToolCall[],
): Promise<ToolCall[]> {
  const session: RedactionSession | undefined = request.moat.redaction;
  if (session === undefined) return [...calls];
  const revealed: ToolCall[] = [];
  for (const call of calls) {
    revealed.push({ ...call, arguments: await session.revealToolArguments(call.arguments) });
  }
  return revealed;
}

/** The same for a streamed answer, piece by piece; undefined when redaction is off. */
export function answerFilterFor(request: FastifyRequest): AnswerFilter | undefined {
  const session = request.moat.redaction;
  return session === undefined ? undefined : new AnswerFilter(session);
}

/** The header that names the classes policy masked or pseudonymized on the way to the model. */
export const REDACTED_CLASSES_HEADER = 'x-moat-redacted';

/**
 * The classes whose findings were masked or pseudonymized before the model saw the request,
 * sorted. Class names come from Moat's table and the operator's configuration, never from
 * the content, so they are safe to send back; values never are.
 */
export function redactedClassesOf(request: FastifyRequest): string[] {
  const tallies = request.moat.redaction?.tallies ?? [];
  const names = tallies
    .filter((tally) => tally.direction === 'model')
    .filter((tally) => tally.action === 'mask' || tally.action === 'pseudonymize')
    .map((tally) => tally.className);
  return [...new Set(names)].sort();
}
