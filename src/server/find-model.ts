import type { FastifyRequest } from 'fastify';
import type { CatalogEntry, ModelCatalog } from '../catalog/index.js';
import { MoatError } from '../errors/index.js';

/**
 * The catalog entry a request names. An unknown name is refused here, never forwarded; only
 * a known name is recorded for the access log and metric labels.
 */
export function findModel(
  catalog: ModelCatalog,
  request: FastifyRequest,
  name: string,
): CatalogEntry {
  const entry = catalog.get(name);
  if (entry === undefined) throw new MoatError('model_not_found', { param: 'model' });
  request.moat.model = entry.name;
  return entry;
}
