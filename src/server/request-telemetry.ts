import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger, Metrics } from '../telemetry/index.js';
import type { RequestContext } from './request-context.js';

interface TelemetryParts {
  logger: Logger;
  metrics: Metrics;
  /** Open grants are flagged on every access-log line while they last. */
  breakGlass?: { openCount(): number } | undefined;
}

/**
 * One access-log line and one set of metric updates per request. Routes are labelled by
 * their pattern, never by the URL as sent, and nothing from headers or bodies is read here.
 *
 * The record is made when the response closes, not in Fastify's `onResponse` hook: that
 * hook waits for `finish`, which a response whose client hung up never emits.
 */
export function installRequestTelemetry(
  app: FastifyInstance,
  parts: TelemetryParts,
): (request: FastifyRequest, reply: FastifyReply) => void {
  app.decorateRequest('moat', null as never);
  const begin = (request: FastifyRequest, reply: FastifyReply): void => {
    beginRequest(parts, request, reply);
  };

  app.addHook('onRequest', async (request, reply) => {
    begin(request, reply);
    return Promise.resolve();
  });
  return begin;
}

/**
 * Starts a request's record. Also called for requests Fastify refuses before its hooks run
 * (a malformed URL), so that they too are answered with `no-store` and logged.
 */
function beginRequest(parts: TelemetryParts, request: FastifyRequest, reply: FastifyReply): void {
  request.moat = { requestId: request.id, startedAtMs: performance.now() };
  parts.metrics.inFlight.inc();
  reply.header('cache-control', 'no-store');
  reply.header('x-request-id', request.id);

  // A response queued behind a pipelined request never emits `close` when the connection
  // dies first, so the socket's `close` ends the record too; whichever comes first counts.
  const socket = request.raw.socket;
  let isRecorded = false;
  const finish = (): void => {
    socket.off('close', finish);
    if (isRecorded) return;
    isRecorded = true;
    parts.metrics.inFlight.dec();
    recordRequest(parts, request, reply);
  };
  reply.raw.once('close', finish);
  socket.once('close', finish);
}

function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

function recordRequest(parts: TelemetryParts, request: FastifyRequest, reply: FastifyReply): void {
  const context = request.moat;
  const durationMs = performance.now() - context.startedAtMs;
  const route = routeLabel(request);
  if (!reply.raw.writableFinished) context.errorCode ??= 'client_closed_request';
  const status = reply.raw.writableFinished ? reply.statusCode : 499;

  parts.metrics.requests.inc({ route, method: request.method, status: String(status) });
  parts.metrics.requestDuration.observe({ route }, durationMs / 1000);
  if (context.errorCode !== undefined) parts.metrics.errors.inc({ code: context.errorCode });
  const redactions = countRedactions(parts.metrics, context);

  parts.logger.info(
    {
      requestId: context.requestId,
      keyId: context.keyId,
      userId: context.userId,
      method: request.method,
      route,
      model: context.model,
      status,
      errorCode: context.errorCode,
      errorName: context.errorName,
      isStream: context.isStream,
      durationMs: Math.round(durationMs * 100) / 100,
      timeToFirstTokenMs:
        context.timeToFirstTokenMs === undefined
          ? undefined
          : Math.round(context.timeToFirstTokenMs * 100) / 100,
      promptTokens: context.promptTokens,
      completionTokens: context.completionTokens,
      isCaptured: context.isCaptured,
      breakGlassOpenGrants: openGrantsOf(parts),
      redactions,
    },
    'request',
  );
}

/** The number of open break-glass grants, or nothing when there are none. */
function openGrantsOf(parts: TelemetryParts): number | undefined {
  const count = parts.breakGlass?.openCount() ?? 0;
  return count > 0 ? count : undefined;
}

/**
 * Counts of what redaction did, as `CLASS:direction:action=count`, also added to the
 * metrics. Class names come from Moat's table and the operator's configuration only.
 */
function countRedactions(metrics: Metrics, context: RequestContext): string[] | undefined {
  const tallies = context.redaction?.tallies ?? [];
  if (tallies.length === 0) return undefined;
  return tallies.map(({ className, direction, action, count }) => {
    metrics.redactions.inc({ class: className, direction, action }, count);
    return `${className}:${direction}:${action}=${count}`;
  });
}
