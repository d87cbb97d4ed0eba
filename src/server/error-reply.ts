import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorBody, type MoatError } from '../errors/index.js';

/** Answers with `error` in the OpenAI shape; for a client that left, just lets go. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: MoatError,
): FastifyReply {
  request.moat.errorCode = error.code;
  if (error.code === 'internal_error') request.moat.errorName = classNameOf(error.cause);
  if (error.code === 'client_closed_request') {
    // Nobody is left to answer; the connection is already gone.
    reply.hijack();
    reply.raw.destroy();
    return reply;
  }

  const retryAfter = error.isRetryable && error.status >= 500 ? { 'retry-after': '1' } : {};
  return reply.code(error.status).headers(retryAfter).send(toErrorBody(error));
}

/** A class name is code, not content; anything that does not look like one is not logged. */
function classNameOf(thrown: unknown): string {
  const name = thrown instanceof Error ? thrown.constructor.name : typeof thrown;
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : 'unnamed';
}
