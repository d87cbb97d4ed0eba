import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { Auditor } from '../audit/index.js';
import type { BreakGlass } from '../break-glass/index.js';
import type { ModelCatalog } from '../catalog/index.js';
import type { MoatConfig } from '../config/index.js';
import { MoatError, toErrorBody, toMoatError } from '../errors/index.js';
import type { Redactor } from '../redaction/index.js';
import type { Memory } from '../memory/index.js';
import type { MoatStore } from '../store/index.js';
import type { Logger, Metrics } from '../telemetry/index.js';
import { whyNotLoopback } from '../config/index.js';
import type { WebAssets } from '../ui/index.js';
import { requireScope, type AuthParts } from './authenticate.js';
import { sendError } from './error-reply.js';
import { installJsonParser } from './json-body.js';
import { installRequestTelemetry } from './request-telemetry.js';
import { RouteMethods } from './route-methods.js';
import { registerChatCompletions } from './routes/chat-completions.js';
import { registerEmbeddings } from './routes/embeddings.js';
import { registerModels } from './routes/models.js';
import { registerOperations } from './routes/operations.js';
import { registerAdminAudit } from './routes/admin-audit.js';
import { registerAdminKeys } from './routes/admin-keys.js';
import { registerBreakGlass } from './routes/admin-break-glass.js';
import { installAdminAudit } from './admin-audit-hook.js';
import { registerAuthSession } from './routes/auth-session.js';
import { registerWebPage } from './routes/web-page.js';
import { installSecurityHeaders } from './security-headers.js';
import { SessionCookie } from './session-cookie.js';
import { registerAdminErasure } from './routes/admin-erasure.js';
import { registerMemory } from './routes/memory.js';
import { registerMemoryChats } from './routes/memory-chats.js';
import type { ServerParts } from './server-parts.js';

export interface BuildServerOptions {
  config: MoatConfig;
  /** The process's logger; the server writes one access-log line per request to it. */
  logger: Logger;
  metrics: Metrics;
  /** Where API keys are looked up on every request. */
  store: MoatStore;
  /** Where admin calls and refused revoked keys are accounted for. */
  auditor: Auditor;
  /** Break-glass grants; without them the break-glass routes are not served. */
  breakGlass?: BreakGlass | undefined;
  /** The models served. The server closes it first when it shuts down, to end streams. */
  catalog: ModelCatalog;
  /** The built chat page; without it (or with `web.enabled: false`) `/` is not served. */
  webAssets?: WebAssets | undefined;
  /** Applies redaction policy to every piece of content; absent when turned off. */
  redactor?: Redactor | undefined;
  /** Saved memory, for the memory routes and `store: true`. */
  memory: Memory;
}

type BeginRequest = (request: FastifyRequest, reply: FastifyReply) => void;

/** The HTTP API: OpenAI-compatible routes plus health and metrics, on Fastify. */
export function buildServer(options: BuildServerOptions): FastifyInstance {
  const early: { beginRequest?: BeginRequest } = {};
  const app = Fastify(fastifyOptions(options.config, early));
  const auth: AuthParts = {
    store: options.store,
    auditor: options.auditor,
    sessionCookie: sessionCookieFor(options),
  };
  const parts: ServerParts = {
    catalog: options.catalog,
    metrics: options.metrics,
    requireScope: (scope) => requireScope(auth, scope),
    auditor: options.auditor,
    breakGlass: options.breakGlass,
    store: options.store,
    redactor: options.redactor,
    memory: options.memory,
    maxDocumentBytes: options.config.memory.maxDocumentBytes,
  };

  installJsonParser(app);
  early.beginRequest = installRequestTelemetry(app, options);
  installSecurityHeaders(app);
  installShutdown(app, options.catalog);
  installErrorAnswers(app);
  installAdminAudit(app, options.auditor);

  if (auth.sessionCookie !== undefined && options.webAssets !== undefined) {
    const { store, config } = options;
    registerAuthSession(app, {
      store,
      auditor: options.auditor,
      web: config.web,
      sessionCookie: auth.sessionCookie,
    });
    registerWebPage(app, options.webAssets);
  }
  registerChatCompletions(app, parts);
  registerEmbeddings(app, parts);
  registerModels(app, parts);
  registerOperations(app, parts);
  registerAdminKeys(app, parts);
  registerAdminAudit(app, parts);
  registerMemory(app, parts);
  registerAdminErasure(app, parts);
  registerMemoryChats(app, parts);
  if (options.breakGlass !== undefined) {
    registerBreakGlass(app, { ...parts, breakGlass: options.breakGlass });
  }
  return app;
}

/**
 * The chat page's cookie, when the page is served. It is marked Secure whenever the browser
 * can be reaching Moat over TLS: Moat's own, or a proxy's in front of a non-loopback bind.
 */
function sessionCookieFor(options: BuildServerOptions): SessionCookie | undefined {
  const { server, web } = options.config;
  if (!web.enabled || options.webAssets === undefined) return undefined;
  const isSecure = server.tls !== undefined || whyNotLoopback(server.host) !== undefined;
  return new SessionCookie({ isSecure });
}

function fastifyOptions(
  config: MoatConfig,
  early: { beginRequest?: BeginRequest },
): FastifyServerOptions & { https?: object; http?: object } {
  const { tls } = config.server;
  return {
    // Fastify's own logger would log URLs and errors verbatim; Moat logs through its hooks.
    logger: false,
    bodyLimit: config.server.maxBodyBytes,
    requestTimeout: config.server.receiveTimeoutMs,
    genReqId: () => randomUUID(),
    // Moat answers requests that arrive while it stops itself, in its own error shape.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Fastify's own answers to a malformed URL quote the URL; these replace them.
    frameworkErrors: (error, request, reply) => {
      early.beginRequest?.(request, reply);
      void sendError(request, reply, toMoatError(error));
    },
    clientErrorHandler: answerMalformedHttp,
    // Node would answer a request without Host itself, bare; Moat answers it below instead.
    http: { requireHostHeader: false },
    ...(tls === undefined
      ? {}
      : {
          https: {
            cert: readFileSync(tls.certFile),
            key: readFileSync(tls.keyFile),
            requireHostHeader: false,
          },
        }),
  };
}

/** Bytes that are not HTTP never reach a route; they get a fixed answer and are not read. */
function answerMalformedHttp(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify(
    toErrorBody(new MoatError('invalid_request', { detail: 'The request is not valid HTTP.' })),
  );
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      'Connection: close\r\nCache-Control: no-store\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** How long answers still being written get to finish once Moat stops. */
const DRAIN_TIMEOUT_MS = 2000;

/**
 * On close, new requests are refused with `shutting_down` and the backends are closed
 * first, so that streams still running end with an error event rather than a cut
 * connection. Idle connections are then closed; whatever is still open after the drain
 * time (a client that stopped reading, say) is cut so that stopping always ends.
 */
function installShutdown(app: FastifyInstance, catalog: ModelCatalog): void {
  let isClosing = false;
  app.addHook('onRequest', async (request) => {
    if (isClosing) throw new MoatError('shutting_down');
    if (request.raw.httpVersionMajor === 1 && request.raw.httpVersionMinor >= 1) {
      if (request.headers.host === undefined) {
        throw new MoatError('invalid_request', { detail: 'The request has no Host header.' });
      }
    }
    return Promise.resolve();
  });
  app.addHook('preClose', async () => {
    isClosing = true;
    setTimeout(() => {
      app.server.closeAllConnections();
    }, DRAIN_TIMEOUT_MS).unref();
    await catalog.close();
  });
}

function installErrorAnswers(app: FastifyInstance): void {
  const routeMethods = new RouteMethods();
  app.addHook('onRoute', (route) => {
    routeMethods.add(route.url, route.method);
  });

  app.setErrorHandler((thrown, request, reply) => sendError(request, reply, toMoatError(thrown)));
  app.setNotFoundHandler((request, reply) => {
    const allowed = routeMethods.allowedFor(request.url.split('?', 1)[0] ?? '');
    if (allowed.length === 0) return sendError(request, reply, new MoatError('not_found'));
    reply.header('allow', allowed.join(', '));
    return sendError(request, reply, new MoatError('method_not_allowed'));
  });
}
