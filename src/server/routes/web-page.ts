import type { FastifyInstance, FastifyReply } from 'fastify';
import { MoatError } from '../../errors/index.js';
import type { WebAsset, WebAssets } from '../../ui/index.js';

/** Serves the built chat page: `/` is its index.html, `/assets/…` its hashed files. */
export function registerWebPage(app: FastifyInstance, assets: WebAssets): void {
  app.get('/', (_request, reply) => send(reply, assets.get('/index.html')));
  app.get<{ Params: { file: string } }>('/assets/:file', (request, reply) =>
    send(reply, assets.get(`/assets/${request.params.file}`)),
  );
}

function send(reply: FastifyReply, asset: WebAsset | undefined): FastifyReply {
  if (asset === undefined) throw new MoatError('not_found');
  if (asset.isImmutable) reply.header('cache-control', 'public, max-age=31536000, immutable');
  return reply.header('content-type', asset.contentType).send(asset.body);
}
