import type { FastifyReply } from 'fastify';

/**
 * A signal that fires when the client goes away before its answer is complete. The
 * response's `close` event is the reliable one: the request's fires as soon as its body
 * has been read.
 */
export function abortWhenClientLeaves(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
