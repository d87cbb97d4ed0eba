import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MoatError, toErrorBody, toMoatError, type ErrorCode } from '../errors/index.js';

/** Fastify's own error codes, mapped to Moat's. Their messages are never passed on. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

/** Turns anything thrown while answering into a MoatError, from the one code table. */
export function fromThrown(thrown: unknown): MoatError {
  const fastifyCode = (thrown as Partial<FastifyError> | undefined)?.code;
  const mapped = typeof fastifyCode === 'string' ? FASTIFY_CODES[fastifyCode] : undefined;
  if (mapped !== undefined) return new MoatError(mapped, { cause: thrown });
  if ((thrown as { type?: unknown } | undefined)?.type === 'entity.too.large') {
    return new MoatError('body_too_large', { cause: thrown });
  }
  return toMoatError(thrown);
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: MoatError,
): FastifyReply {
  request.moat.errorCode = error.code;
  if (error.code === 'client_closed_request') {
    // Nobody is left to answer; the connection is already gone.
    reply.hijack();
    reply.raw.destroy();
    return reply;
  }

  const retryAfter = error.isRetryable && error.status >= 500 ? { 'retry-after': '1' } : {};
  return reply.code(error.status).headers(retryAfter).send(toErrorBody(error));
}
