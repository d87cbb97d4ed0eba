import type { FastifyInstance, FastifyRequest } from 'fastify';
import { openGrantSchema } from '../../break-glass/index.js';
import type { BreakGlass } from '../../break-glass/index.js';
import type { ServerParts } from '../server-parts.js';
import { validateBody } from '../validate-body.js';

const OPEN_FIELDS = ['keyId', 'model', 'reason', 'durationMinutes', 'readerKeyId'];

/**
 * `/admin/break-glass`: administrators open, approve, close and list grants (metadata only);
 * `GET /v1/break-glass/{id}/captures` gives captured content to the grant's named reader.
 */
export function registerBreakGlass(
  app: FastifyInstance,
  parts: ServerParts & { breakGlass: BreakGlass },
): void {
  const { breakGlass } = parts;
  const onRequest = parts.requireScope('admin');

  app.get('/admin/break-glass', { onRequest }, async () => ({
    object: 'list',
    data: await breakGlass.list(),
  }));

  app.post('/admin/break-glass', { onRequest }, async (request, reply) => {
    const body = validateBody(openGrantSchema, request.body, OPEN_FIELDS);
    const grant = await breakGlass.open(keyIdOf(request), body);
    return reply.code(201).send(breakGlass.describe(grant));
  });

  app.post('/admin/break-glass/:id/approve', { onRequest }, async (request) =>
    breakGlass.describe(await breakGlass.approve(keyIdOf(request), grantIdOf(request))),
  );

  app.post('/admin/break-glass/:id/close', { onRequest }, async (request) =>
    breakGlass.describe(await breakGlass.close(keyIdOf(request), grantIdOf(request))),
  );

  app.get(
    '/v1/break-glass/:id/captures',
    { onRequest: parts.requireScope(undefined) },
    async (request) => ({
      object: 'list',
      grant: grantIdOf(request),
      data: await breakGlass.read(keyIdOf(request), grantIdOf(request)),
    }),
  );
}

function keyIdOf(request: FastifyRequest): string {
  return request.moat.keyId ?? '';
}

function grantIdOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}
