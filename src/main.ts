import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createApiKey } from './auth/index.js';
import { loadCatalog, type ModelCatalog } from './catalog/index.js';
import type { MoatConfig } from './config/index.js';
import { buildServer } from './server/index.js';
import { openSqliteStore, SQLITE_FILE_NAME, type MoatStore } from './store/index.js';
import { createLogger, Metrics } from './telemetry/index.js';

export interface RunningMoat {
  /** The address Moat listens on, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** The admin token, when this start created the first key; it is shown once and never again. */
  firstAdminToken: string | undefined;
  /** Names of the models served. */
  modelNames: string[];
  /** True when no model was configured and the generated demo model is served. */
  isDemoModel: boolean;
  close(): Promise<void>;
}

/** The composition root: config → logger → store → catalog → server. */
export async function startMoat(config: MoatConfig): Promise<RunningMoat> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const log = createLogger({ level: config.log.level, ...optionalFile(config.log.file) });
  const { logger } = log;
  const store = openSqliteStore(join(config.dataDir, SQLITE_FILE_NAME));
  const firstAdminToken = createFirstAdminKey(store);

  let catalog: ModelCatalog;
  try {
    catalog = await loadCatalog(config);
  } catch (error) {
    store.close();
    await log.close();
    throw error;
  }

  const app = buildServer({ config, logger, metrics: new Metrics(), store, catalog });
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  logger.info({ url: address, models: catalog.list().map((entry) => entry.name) }, 'listening');

  return {
    url: address,
    firstAdminToken,
    modelNames: catalog.list().map((entry) => entry.name),
    isDemoModel: catalog.list().some((entry) => entry.isDemo),
    close: closeOnce(async () => {
      await app.close();
      await catalog.close();
      store.close();
      logger.info({}, 'stopped');
      await log.close();
    }),
  };
}

function optionalFile(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}

/** On the very first start there is no key at all; the operator gets one admin key, once. */
function createFirstAdminKey(store: MoatStore): string | undefined {
  if (store.apiKeys.count() > 0) return undefined;
  return createApiKey(store, { name: 'first-admin', scopes: ['chat', 'admin'] }).token;
}

function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
