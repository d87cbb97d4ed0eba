import type { FastifyReply } from 'fastify';

/**
 * A signal that fires when the client goes away before its answer is complete. The
 * response's `close` event is the reliable one: the request's fires as soon as its body
 * has been read. A client that left before this was called aborts the signal at once.
 */
export function abortWhenClientLeaves(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  if (response.destroyed || response.socket?.destroyed === true) {
    controller.abort();
    return controller.signal;
  }

  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
