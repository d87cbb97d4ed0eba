import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MoatError } from '../../errors/index.js';
import { DEFAULT_DATA_CLASS, isItemId, MAX_LIST_ITEMS } from '../../memory/index.js';
import { ownerOf, requesterOf } from '../authenticate.js';
import type { ServerParts } from '../server-parts.js';
import { validateBody, validateQuery } from '../validate-body.js';
import { DOCUMENT_FIELDS, documentBodySchema, documentContent } from './document-body.js';
import { toWireItem, toWireMetadata } from './memory-wire.js';

const searchBodySchema = z.strictObject({
  query: z.string().min(1).max(4096),
  limit: z.number().int().min(1).max(50).optional(),
});

const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_LIST_ITEMS).optional(),
});

const DEFAULT_SEARCH_LIMIT = 5;
const DEFAULT_LIST_LIMIT = 100;

/**
 * The caller's own memory. Every route acts for the caller's key and nothing else: an id
 * of another owner's item gets the same 404 as an id that never existed.
 */
export function registerMemory(app: FastifyInstance, parts: ServerParts): void {
  const onRequest = parts.requireScope('memory');
  const { service, eraser } = parts.memory;

  app.post('/v1/memory/documents', { onRequest }, async (request, reply) => {
    const body = validateBody(documentBodySchema, request.body, DOCUMENT_FIELDS);
    const content = documentContent(body, parts.maxDocumentBytes);
    const saved = await service.save(
      {
        ownerId: ownerOf(request),
        kind: 'document',
        dataClass: body.data_class ?? DEFAULT_DATA_CLASS,
        retentionSeconds: body.retention_seconds,
        retentionParam: 'retention_seconds',
      },
      content,
    );
    return reply.code(201).send(toWireMetadata(saved));
  });

  app.get('/v1/memory', { onRequest }, async (request) => {
    const query = validateQuery(listQuerySchema, request.query, ['limit']);
    const items = await service.list(ownerOf(request), query.limit ?? DEFAULT_LIST_LIMIT);
    return { object: 'list', data: items.map(toWireMetadata) };
  });

  app.get('/v1/memory/receipts', { onRequest }, async (request) => {
    const query = validateQuery(listQuerySchema, request.query, ['limit']);
    const receipts = await parts.memory.store.memory.listReceipts(
      ownerOf(request),
      query.limit ?? DEFAULT_LIST_LIMIT,
    );
    // Receipts name items by hash and keys by id only, so they are safe to hand back whole.
    return { object: 'list', data: receipts.map((receipt) => JSON.parse(receipt.body) as unknown) };
  });

  app.get('/v1/memory/:id', { onRequest }, async (request) => {
    const item = await service.get(ownerOf(request), itemIdOf(request));
    if (item === undefined) throw new MoatError('memory_item_not_found', { param: 'id' });
    return toWireItem(item);
  });

  app.delete('/v1/memory/:id', { onRequest }, async (request) => {
    const ownerId = ownerOf(request);
    const itemId = itemIdOf(request);
    const receipt = await eraser.deleteItem(ownerId, itemId, {
      kind: 'item-deletion',
      requestedBy: requesterOf(request),
    });
    if (receipt === undefined) throw new MoatError('memory_item_not_found', { param: 'id' });
    return { deleted: true, receipt };
  });

  app.delete('/v1/memory', { onRequest }, async (request) => {
    const ownerId = ownerOf(request);
    const receipt = await eraser.eraseOwner(ownerId, requesterOf(request));
    return { erased: true, receipt };
  });

  app.post('/v1/memory/search', { onRequest }, async (request) => {
    const body = validateBody(searchBodySchema, request.body, ['query', 'limit']);
    const found = await service.search(
      ownerOf(request),
      body.query,
      body.limit ?? DEFAULT_SEARCH_LIMIT,
    );
    return {
      object: 'list',
      data: found.map((item) => ({ ...toWireItem(item), score: item.score })),
    };
  });

  app.get('/admin/memory/owners', { onRequest: parts.requireScope('admin') }, async () => {
    const owners = await parts.memory.store.memory.ownerSummaries();
    return {
      object: 'list',
      data: owners.map((owner) => ({
        owner_id: owner.ownerId,
        item_count: owner.itemCount,
        size_bytes: owner.sizeBytes,
        oldest_created_at: Math.floor(owner.oldestCreatedAt.getTime() / 1000),
      })),
    };
  });
}

/** A malformed id cannot name an item, so it gets the same 404 without a lookup. */
function itemIdOf(request: FastifyRequest): string {
  const id = (request.params as { id?: unknown }).id;
  if (typeof id !== 'string' || !isItemId(id)) {
    throw new MoatError('memory_item_not_found', { param: 'id' });
  }
  return id;
}
