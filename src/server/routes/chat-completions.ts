import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CatalogEntry } from '../../catalog/index.js';
import { toMoatError } from '../../errors/index.js';
import {
  refuseTools,
  type ChatRequest,
  type ChatStreamEvent,
  type TokenUsage,
  type ToolCall,
} from '../../inference/index.js';
import { ChatResponseWriter } from '../chat-response.js';
import {
  CHAT_SUPPORTED_FIELDS,
  chatRequestSchema,
  rejectUnsupportedFields,
  toChatRequest,
} from '../chat-request-schema.js';
import type { ServerParts } from '../server-parts.js';
import { abortWhenClientLeaves } from '../client-abort.js';
import { validateBody } from '../validate-body.js';
import {
  answerFilterFor,
  protectChat,
  REDACTED_CLASSES_HEADER,
  redactedClassesOf,
  revealAnswer,
  revealToolCalls,
} from '../redact-content.js';
import { findModel } from '../find-model.js';
import { captureExchange, findCaptureGrant } from '../capture-exchange.js';
import type { BreakGlassGrant } from '../../store/index.js';
import type { ChatRequestBody } from '../chat-request-schema.js';
import { addMemoryContext, checkMemoryUse, saveExchange } from './chat-memory.js';

export function registerChatCompletions(app: FastifyInstance, parts: ServerParts): void {
  app.post(
    '/v1/chat/completions',
    { onRequest: parts.requireScope('chat') },
    async (request, reply) => {
      const body = validateBody(chatRequestSchema, request.body, CHAT_SUPPORTED_FIELDS);
      rejectUnsupportedFields(body);
      checkMemoryUse(parts, request, body);
      const entry = findModel(parts.catalog, request, body.model);
      const callerRequest = toChatRequest(body);
      if (!entry.backend.callsTools) refuseTools(callerRequest);
      const withContext = await addMemoryContext(parts, request, {
        body,
        chatRequest: callerRequest,
      });
      const chatRequest = await protectChat(parts.redactor, request, withContext);
      const redacted = redactedClassesOf(request);
      if (redacted.length > 0) reply.header(REDACTED_CLASSES_HEADER, redacted.join(', '));
      const signal = abortWhenClientLeaves(reply);
      const captureGrant = findCaptureGrant(parts.breakGlass, request, entry.name);
      const save = saverFor(body);
      const call = { request, entry, chatRequest, signal, parts, captureGrant, save };

      request.moat.isStream = body.stream === true;
      reply.header('content-type', 'application/json; charset=utf-8');
      if (body.stream !== true) return answerWhole(call);

      const includeUsage = body.stream_options?.include_usage === true;
      const stream = await openStream(call, includeUsage);
      return reply.header('content-type', 'text/event-stream; charset=utf-8').send(stream);

      function saverFor(requestBody: ChatRequestBody): SaveAnswer | undefined {
        if (requestBody.store !== true) return undefined;
        return async (answer) =>
          saveExchange(parts, request, { body: requestBody, chatRequest: callerRequest, answer });
      }
    },
  );
}

/** Saves the finished exchange; returns the new item's id. */
type SaveAnswer = (answer: string) => Promise<string>;

interface ChatCall {
  request: FastifyRequest;
  /** Set when a break-glass grant captures this request. */
  captureGrant?: BreakGlassGrant | undefined;
  entry: CatalogEntry;
  chatRequest: ChatRequest;
  signal: AbortSignal;
  parts: ServerParts;
  /** Set when the caller asked for `store: true`. */
  save: SaveAnswer | undefined;
}

async function answerWhole(call: ChatCall): Promise<object> {
  const completion = await call.entry.backend.completeChat(call.chatRequest, call.signal);
  recordUsage(call, completion.usage);
  await captureAnswer(call, completion.text);
  const text = await revealAnswer(call.request, completion.text);
  const revealed = { ...completion, text };
  if (completion.toolCalls !== undefined) {
    revealed.toolCalls = await revealToolCalls(call.request, completion.toolCalls);
  }
  const answer = new ChatResponseWriter(call.entry.name).whole(revealed);
  if (call.save === undefined) return answer;

  const itemId = await call.save(text);
  return { ...answer, moat: { memory_item_id: itemId } };
}

/**
 * Waits for the first event before answering, so that a backend that fails at once (an
 * unreachable upstream, an over-long prompt) still gets a proper status code. After that
 * the status is 200 and a failure becomes one final error event.
 */
async function openStream(call: ChatCall, includeUsage: boolean): Promise<Readable> {
  const stream = call.entry.backend.streamChat(call.chatRequest, call.signal);
  const events = stream[Symbol.asyncIterator]();
  const first = await events.next();
  const writer = new ChatResponseWriter(call.entry.name);
  return Readable.from(writeEvents({ call, writer, first, events, includeUsage }), {
    objectMode: false,
  });
}

interface StreamState {
  call: ChatCall;
  writer: ChatResponseWriter;
  first: IteratorResult<ChatStreamEvent>;
  events: AsyncIterator<ChatStreamEvent>;
  includeUsage: boolean;
}

async function* writeEvents(state: StreamState): AsyncGenerator<string> {
  const { call, writer } = state;
  const filter = answerFilterFor(call.request);
  let deltasSent = 0;
  let isFinished = false;
  let toolCalls: readonly ToolCall[] | undefined;
  const captured: string[] = [];
  const answerParts: string[] = [];
  yield writer.firstChunk();
  try {
    for (let step = state.first; step.done !== true; step = await state.events.next()) {
      const event = step.value;
      if (event.type === 'delta') {
        markFirstToken(call);
        if (call.captureGrant !== undefined) captured.push(event.text);
        const text = filter === undefined ? event.text : await filter.push(event.text);
        if (call.save !== undefined) answerParts.push(text);
        if (text.length > 0) yield writer.deltaChunk(text);
        // Kept current as it goes: if the client leaves, the access log is written when the
        // response closes, before this generator is unwound.
        call.request.moat.completionTokens = ++deltasSent;
        continue;
      }
      if (event.type === 'tool-calls-begun') {
        markFirstToken(call);
        continue;
      }
      if (event.type === 'tool-calls') {
        toolCalls = event.calls;
        continue;
      }
      isFinished = true;
      recordUsage(call, event.usage);
      const rest = filter === undefined ? '' : await filter.end();
      if (rest.length > 0) yield writer.deltaChunk(rest);
      if (toolCalls !== undefined) {
        yield writer.toolCallsChunk(await revealToolCalls(call.request, toolCalls));
      }
      // Saved before the finish chunk: a failed save ends the stream with an error event.
      if (call.save !== undefined) await call.save(answerParts.join('') + rest);
      yield writer.finishChunk(event.finishReason);
      if (state.includeUsage) yield writer.usageChunk(event.usage);
    }
    yield ChatResponseWriter.done;
  } catch (thrown) {
    const error = toMoatError(thrown);
    call.request.moat.errorCode = error.code;
    if (error.code !== 'client_closed_request') yield ChatResponseWriter.errorEvent(error);
  } finally {
    if (!isFinished) recordPartialOutput(call, deltasSent);
    await state.events.return?.();
    await captureAnswer(call, captured.join(''));
  }
}

async function captureAnswer(call: ChatCall, answer: string): Promise<void> {
  const { breakGlass } = call.parts;
  if (call.captureGrant === undefined || breakGlass === undefined) return;
  await captureExchange(breakGlass, call.request, { grant: call.captureGrant, answer });
}

function markFirstToken(call: ChatCall): void {
  const context = call.request.moat;
  if (context.timeToFirstTokenMs !== undefined) return;
  context.timeToFirstTokenMs = performance.now() - context.startedAtMs;
  call.parts.metrics.timeToFirstToken.observe(
    { model: call.entry.name },
    context.timeToFirstTokenMs / 1000,
  );
}

/** A stream that ended early never learns its token count; the pieces sent stand in for it. */
function recordPartialOutput(call: ChatCall, deltasSent: number): void {
  call.parts.metrics.tokens.inc({ model: call.entry.name, kind: 'completion' }, deltasSent);
}

function recordUsage(call: ChatCall, usage: TokenUsage): void {
  call.request.moat.promptTokens = usage.promptTokens;
  call.request.moat.completionTokens = usage.completionTokens;
  call.parts.metrics.tokens.inc({ model: call.entry.name, kind: 'prompt' }, usage.promptTokens);
  call.parts.metrics.tokens.inc(
    { model: call.entry.name, kind: 'completion' },
    usage.completionTokens,
  );
}
