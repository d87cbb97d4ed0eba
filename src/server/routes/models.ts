import type { FastifyInstance } from 'fastify';
import type { CatalogEntry } from '../../catalog/index.js';
import { MoatError } from '../../errors/index.js';
import type { ServerParts } from '../server-parts.js';

export function registerModels(app: FastifyInstance, parts: ServerParts): void {
  const onRequest = parts.requireScope('chat');

  app.get('/v1/models', { onRequest }, async () => {
    return Promise.resolve({ object: 'list', data: parts.catalog.list().map(describeModel) });
  });

  app.get<{ Params: { model: string } }>('/v1/models/:model', { onRequest }, async (request) => {
    const entry = parts.catalog.get(request.params.model);
    if (entry === undefined) throw new MoatError('model_not_found', { param: 'model' });
    return Promise.resolve(describeModel(entry));
  });
}

function describeModel(entry: CatalogEntry): object {
  return { id: entry.name, object: 'model', created: entry.createdAtSeconds, owned_by: 'moat' };
}
