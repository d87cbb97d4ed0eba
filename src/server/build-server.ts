import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ModelCatalog } from '../catalog/index.js';
import type { MoatConfig } from '../config/index.js';
import { MoatError } from '../errors/index.js';
import type { MoatStore } from '../store/index.js';
import type { Logger, Metrics } from '../telemetry/index.js';
import { requireScope } from './authenticate.js';
import { fromThrown, sendError } from './error-reply.js';
import { installRequestTelemetry } from './request-telemetry.js';
import { registerChatCompletions } from './routes/chat-completions.js';
import { registerEmbeddings } from './routes/embeddings.js';
import { registerModels } from './routes/models.js';
import { registerOperations } from './routes/operations.js';
import type { ServerParts } from './server-parts.js';

export interface BuildServerOptions {
  config: MoatConfig;
  logger: Logger;
  metrics: Metrics;
  store: MoatStore;
  catalog: ModelCatalog;
}

/** The HTTP API: OpenAI-compatible routes plus health and metrics, on Fastify. */
export function buildServer(options: BuildServerOptions): FastifyInstance {
  const app = Fastify(fastifyOptions(options.config));
  const parts: ServerParts = {
    catalog: options.catalog,
    metrics: options.metrics,
    requireScope: (scope) => requireScope(options.store, scope),
  };

  installJsonParser(app);
  installRequestTelemetry(app, { logger: options.logger, metrics: options.metrics });
  installErrorAnswers(app);

  registerChatCompletions(app, parts);
  registerEmbeddings(app, parts);
  registerModels(app, parts);
  registerOperations(app, parts);
  return app;
}

function fastifyOptions(config: MoatConfig): FastifyServerOptions & { https?: object } {
  const { tls } = config.server;
  return {
    // Fastify's own logger would log URLs and errors verbatim; Moat logs through its hooks.
    logger: false,
    bodyLimit: config.server.maxBodyBytes,
    requestTimeout: config.server.receiveTimeoutMs,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    forceCloseConnections: true,
    ...(tls === undefined
      ? {}
      : { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } }),
  };
}

/**
 * JSON bodies only. `JSON.parse`'s own messages quote the text around the fault, so its
 * error is replaced wholesale.
 */
function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new MoatError('invalid_json'), undefined);
    }
  });
}

function installErrorAnswers(app: FastifyInstance): void {
  const knownPaths = new Set<string>();
  app.addHook('onRoute', (route) => {
    knownPaths.add(route.url);
  });

  app.setErrorHandler((thrown, request, reply) => sendError(request, reply, fromThrown(thrown)));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const code = knownPaths.has(path) ? 'method_not_allowed' : 'not_found';
    return sendError(request, reply, new MoatError(code));
  });
}
