import type { FastifyRequest } from 'fastify';
import type { ChatRequest } from '../../inference/index.js';
import { MoatError } from '../../errors/index.js';
import { DEFAULT_DATA_CLASS, type StoredMessage } from '../../memory/index.js';
import { assertScope, ownerOf } from '../authenticate.js';
import type { ChatRequestBody } from '../chat-request-schema.js';
import type { ServerParts } from '../server-parts.js';

/** Longest piece of one item put into a prompt as context, in characters. */
const MAX_CONTEXT_CHARS_PER_ITEM = 4000;
const DEFAULT_CONTEXT_ITEMS = 3;

/**
 * Checks, before any inference runs, that a request which saves to or reads from memory
 * holds the `memory` scope.
 */
export function checkMemoryUse(
  parts: ServerParts,
  request: FastifyRequest,
  body: ChatRequestBody,
): void {
  if (body.store === true || body.moat?.memory !== undefined) assertScope(request, 'memory');
  if (body.store !== true) return;
  refuseStoredTools(body);

  // A retention the policy refuses is refused now, not after the answer was generated.
  parts.memory.policy.retentionMs({
    kind: 'chat',
    dataClass: body.moat?.data_class ?? DEFAULT_DATA_CLASS,
    retentionSeconds: body.moat?.retention_seconds,
    param: 'moat.retention_seconds',
  });
}

/**
 * A saved chat holds messages and an answer as text; a tool exchange has no place in it, and
 * saving it without its calls would misrepresent it.
 */
function refuseStoredTools(body: ChatRequestBody): void {
  const hasTools =
    body.tools != null ||
    body.messages.some((message) => message.role === 'tool' || message.tool_calls != null);
  if (!hasTools) return;
  throw new MoatError('invalid_request', {
    detail:
      'Field store cannot save a chat that uses tools; save its text with POST /v1/memory/chats.',
    param: 'store',
  });
}

/**
 * Puts the caller's own best-matching items in front of the conversation as a system
 * message. The search runs on the caller's owner id only, so nothing of another owner's
 * can reach the prompt.
 */
export async function addMemoryContext(
  parts: ServerParts,
  request: FastifyRequest,
  call: { body: ChatRequestBody; chatRequest: ChatRequest },
): Promise<ChatRequest> {
  const wanted = call.body.moat?.memory;
  if (wanted === undefined) return call.chatRequest;

  const found = await parts.memory.service.search(
    ownerOf(request),
    wanted.search,
    wanted.limit ?? DEFAULT_CONTEXT_ITEMS,
  );
  if (found.length === 0) return call.chatRequest;

  const sections = found.map((item, index) => {
    const text = [item.content.title, item.content.text].filter(Boolean).join('\n');
    return `[${index + 1}] ${text.slice(0, MAX_CONTEXT_CHARS_PER_ITEM)}`;
  });
  const context = {
    role: 'system' as const,
    content: `Saved notes of this user that may help:\n\n${sections.join('\n\n')}`,
  };
  return { ...call.chatRequest, messages: [context, ...call.chatRequest.messages] };
}

/** Saves the exchange (the caller's messages and the answer) as one chat item. */
export async function saveExchange(
  parts: ServerParts,
  request: FastifyRequest,
  exchange: { body: ChatRequestBody; chatRequest: ChatRequest; answer: string },
): Promise<string> {
  const { body } = exchange;
  // Tool exchanges were refused before inference (see refuseStoredTools).
  const messages: StoredMessage[] = exchange.chatRequest.messages.flatMap((message) =>
    message.role === 'tool' ? [] : [{ role: message.role, content: message.content }],
  );
  const saved = await parts.memory.service.save(
    {
      ownerId: ownerOf(request),
      kind: 'chat',
      dataClass: body.moat?.data_class ?? DEFAULT_DATA_CLASS,
      retentionSeconds: body.moat?.retention_seconds,
      retentionParam: 'moat.retention_seconds',
    },
    { text: exchange.answer, messages },
  );
  return saved.id;
}
