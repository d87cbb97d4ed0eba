import type { FastifyInstance } from 'fastify';
import type { ServerParts } from '../server-parts.js';

export function registerOperations(app: FastifyInstance, parts: ServerParts): void {
  // Public on purpose, for load balancers; it says nothing about the deployment.
  app.get('/healthz', async () => Promise.resolve({ status: 'ok' }));

  app.get('/metrics', { onRequest: parts.requireScope('admin') }, async (_request, reply) => {
    const { contentType, body } = await parts.metrics.render();
    return reply.header('content-type', contentType).send(body);
  });
}
