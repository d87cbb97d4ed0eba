import { mkdirSync } from 'node:fs';
import { AuditLog, SYSTEM_ACTOR, type Auditor } from './audit/index.js';
import { createApiKey } from './auth/index.js';
import { loadCatalog, type ModelCatalog } from './catalog/index.js';
import type { MoatConfig } from './config/index.js';
import { buildServer } from './server/index.js';
import { openStore, storeLocation, type MoatStore } from './store/index.js';
import { createLogger, Metrics, type Logger, type MoatLogger } from './telemetry/index.js';

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
  /**
   * Logs that an error nothing caught is about to end the process, by the error's class name
   * only, and writes the log out at once: the process exits right after.
   */
  recordCrash(errorName: string): void;
}

/** The parts that serve requests, once they listen. */
interface Serving {
  url: string;
  catalog: ModelCatalog;
  close(): Promise<void>;
}

/** The composition root: config → logger → store → catalog → server. */
export async function startMoat(config: MoatConfig): Promise<RunningMoat> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const log = createLogger({ level: config.log.level, ...optionalFile(config.log.file) });
  const store = await openStoreOrCloseLog(config, log);
  const auditLog = new AuditLog({ store: store.audit });

  let serving: Serving | undefined;
  let firstAdminToken: string | undefined;
  try {
    await auditLog.recordStart(config);
    serving = await startServing(config, { logger: log.logger, store, auditor: auditLog });
    // Only once Moat listens: a key made before a failed start would stay in the store while
    // its token, shown only on a successful start, would be lost with no way to recover it.
    firstAdminToken = await createFirstAdminKey(store, auditLog);
  } catch (error) {
    await serving?.close();
    await auditLog.close();
    await store.close();
    await log.close();
    throw error;
  }

  const running = serving;
  const modelNames = running.catalog.list().map((entry) => entry.name);
  log.logger.info({ url: running.url, models: modelNames }, 'listening');
  return {
    url: running.url,
    firstAdminToken,
    modelNames,
    isDemoModel: running.catalog.list().some((entry) => entry.isDemo),
    close: closeOnce(async () => {
      await running.close();
      await auditLog.close();
      await store.close();
      log.logger.info({}, 'stopped');
      await log.close();
    }),
    recordCrash: (errorName) => {
      log.logger.fatal({ errorName, errorCode: 'internal_error' }, 'uncaught error');
      log.flushSync();
    },
  };
}

async function openStoreOrCloseLog(config: MoatConfig, log: MoatLogger): Promise<MoatStore> {
  try {
    return await openStore(storeLocation(config));
  } catch (error) {
    await log.close();
    throw error;
  }
}

/** Loads the catalog and listens; when either fails, closes what it had opened. */
async function startServing(
  config: MoatConfig,
  parts: { logger: Logger; store: MoatStore; auditor: Auditor },
): Promise<Serving> {
  const catalog = await loadCatalog(config);
  const closers = [() => catalog.close()];

  try {
    const app = buildServer({ ...parts, config, metrics: new Metrics(), catalog });
    closers.unshift(() => app.close());
    const url = await app.listen({ host: config.server.host, port: config.server.port });
    return { url, catalog, close: () => closeInOrder(closers) };
  } catch (error) {
    await closeInOrder(closers);
    throw error;
  }
}

/** The server first, so no request is still using a backend when the backend closes. */
async function closeInOrder(closers: readonly (() => Promise<void>)[]): Promise<void> {
  for (const close of closers) await close();
}

function optionalFile(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}

/** On the very first start there is no key at all; the operator gets one admin key, once. */
async function createFirstAdminKey(
  store: MoatStore,
  auditor: Auditor,
): Promise<string | undefined> {
  if ((await store.apiKeys.count()) > 0) return undefined;
  const created = await createApiKey(store, { name: 'first-admin', scopes: ['chat', 'admin'] });
  await auditor.record({
    actor: SYSTEM_ACTOR,
    action: 'key.created',
    targets: [`key:${created.id}`],
    outcome: 'ok',
  });
  return created.token;
}

function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
