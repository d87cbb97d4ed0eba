import type { FastifyRequest } from 'fastify';
import type { BreakGlass } from '../break-glass/index.js';
import type { BreakGlassGrant } from '../store/index.js';

/**
 * The open break-glass grant covering this request, if any. Decided once, when the request
 * is admitted, so an answer is captured whole or not at all.
 */
export function findCaptureGrant(
  breakGlass: BreakGlass | undefined,
  request: FastifyRequest,
  model: string,
): BreakGlassGrant | undefined {
  const grant = breakGlass?.capturing({ keyId: request.moat.keyId, model });
  if (grant !== undefined) request.moat.isCaptured = true;
  return grant;
}

/**
 * Records the request body and the answer under the grant. This is the one place in Moat
 * where content is written anywhere; it is sealed before it leaves this call. A failure to
 * capture does not fail the caller's request: capture serves troubleshooting, not the caller.
 */
export async function captureExchange(
  breakGlass: BreakGlass,
  request: FastifyRequest,
  capture: { grant: BreakGlassGrant; answer: string },
): Promise<void> {
  try {
    await breakGlass.capture(capture.grant, {
      route: request.routeOptions.url ?? 'unmatched',
      request: request.body,
      answer: capture.answer,
    });
  } catch {
    request.moat.isCaptured = false;
  }
}
