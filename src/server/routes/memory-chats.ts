import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEFAULT_DATA_CLASS, type MemoryContent } from '../../memory/index.js';
import { ownerOf } from '../authenticate.js';
import type { ServerParts } from '../server-parts.js';
import { validateBody } from '../validate-body.js';
import { toWireMetadata } from './memory-wire.js';

const chatBodySchema = z.strictObject({
  messages: z
    .array(
      z.strictObject({
        role: z.enum(['system', 'user', 'assistant']),
        content: z.string(),
      }),
    )
    .min(1)
    .max(4096),
  title: z.string().min(1).max(500).optional(),
  data_class: z.string().min(1).max(32).optional(),
  retention_seconds: z.number().int().min(1).optional(),
});

const CHAT_FIELDS = ['messages', 'title', 'data_class', 'retention_seconds'];

const retentionQuerySchema = z.strictObject({
  kind: z.enum(['chat', 'document']),
  data_class: z.string().min(1).max(32).optional(),
});

/**
 * Saving a conversation that already happened, as the chat page's Save button does, and
 * the retention a save would get. Saving runs no inference: the messages are sealed as
 * they are, after the memory direction of redaction policy.
 */
export function registerMemoryChats(app: FastifyInstance, parts: ServerParts): void {
  const onRequest = parts.requireScope('memory');
  const { service, policy } = parts.memory;

  app.post('/v1/memory/chats', { onRequest }, async (request, reply) => {
    const body = validateBody(chatBodySchema, request.body, CHAT_FIELDS);
    const saved = await service.save(
      {
        ownerId: ownerOf(request),
        kind: 'chat',
        dataClass: body.data_class ?? DEFAULT_DATA_CLASS,
        retentionSeconds: body.retention_seconds,
        retentionParam: 'retention_seconds',
      },
      chatContent(body),
    );
    return reply.code(201).send(toWireMetadata(saved));
  });

  app.get('/v1/memory/retention', { onRequest }, (request) => {
    const query = validateBody(retentionQuerySchema, request.query, ['kind', 'data_class']);
    const dataClass = query.data_class ?? DEFAULT_DATA_CLASS;
    const limits = policy.limits({ kind: query.kind, dataClass });
    return {
      kind: query.kind,
      data_class: dataClass,
      default_seconds: Math.floor(limits.defaultMs / 1000),
      max_seconds: Math.floor(limits.maxMs / 1000),
    };
  });
}

/**
 * The same shape `store: true` gives a chat: the last answer as the item's text, the turns
 * before it as its messages. A conversation that ends with a question keeps every turn as
 * a message and has no text.
 */
function chatContent(body: z.output<typeof chatBodySchema>): MemoryContent {
  const last = body.messages.at(-1);
  const endsWithAnswer = last?.role === 'assistant';
  return {
    text: endsWithAnswer ? last.content : '',
    messages: endsWithAnswer ? body.messages.slice(0, -1) : body.messages,
    ...(body.title === undefined ? {} : { title: body.title }),
  };
}
