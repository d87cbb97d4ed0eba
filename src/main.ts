import { mkdirSync } from 'node:fs';
import {
  AuditLog,
  checkpointSigner,
  isAuditId,
  SYSTEM_ACTOR,
  type Auditor,
} from './audit/index.js';
import { createApiKey } from './auth/index.js';
import { loadCatalog, type ModelCatalog } from './catalog/index.js';
import { configuredEgressPolicy, type MoatConfig } from './config/index.js';
import { installEgressGuard, type EgressDenial, type EgressPolicy } from './egress/index.js';
import { createRedactor, type Redactor } from './redaction/index.js';
import {
  epochKeyFileOf,
  epochScheduleOf,
  openMemory,
  openSigningKey,
  resolveMasterKey,
  RetentionSweeper,
  type Memory,
  type MemoryTextFilter,
} from './memory/index.js';
import type { SecretKey, SigningKeyPair } from './crypto/index.js';
import { BreakGlass, CaptureVault } from './break-glass/index.js';
import { buildServer } from './server/index.js';
import { openStore, storeLocation, type MoatStore, type StoreLocation } from './store/index.js';
import { createLogger, Metrics, type Logger, type MoatLogger } from './telemetry/index.js';
import { WebAssets } from './ui/index.js';

export interface RunningMoat {
  /** The address Moat listens on, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** The master key file Moat created on this start, when the operator named none. */
  generatedMasterKeyFile: string | undefined;
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

/**
 * The composition root: config → egress guard → master key → logger → store → memory →
 * catalog → server. The guard's policy is set before anything that could connect is opened.
 */
export async function startMoat(
  config: MoatConfig,
  env: NodeJS.ProcessEnv = process.env,
  location: StoreLocation = storeLocation(config),
): Promise<RunningMoat> {
  const policy = configuredEgressPolicy(config);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const masterKey = resolveMasterKey({
    masterKeyFile: config.keys.masterKeyFile,
    dataDir: config.dataDir,
    env,
  });
  const log = createLogger({ level: config.log.level, ...optionalFile(config.log.file) });
  if (masterKey.generatedFile !== undefined) log.logger.warn({}, 'master key file created');
  const metrics = new Metrics();
  // Refusals reach the audit log once it is open; until then (while the store connects)
  // they are logged and counted only.
  const egressAudit: { auditor: Auditor | undefined } = { auditor: undefined };
  const guard = installEgressGuard();
  guard.setPolicy(policy);
  guard.setDeniedListener((denial) => {
    reportEgressDenial(denial, { logger: log.logger, metrics, auditor: egressAudit.auditor });
  });
  reportExpiredRules(policy, log.logger);
  const store = await openStoreOrCloseLog(location, log).catch((error: unknown) => {
    guard.setDeniedListener(undefined);
    throw error;
  });
  const { auditLog, signingKey } = await openAuditLog(store, masterKey.key).catch(
    async (error: unknown) => {
      guard.setDeniedListener(undefined);
      await store.close();
      await log.close();
      throw error;
    },
  );
  egressAudit.auditor = auditLog;

  let serving: Serving | undefined;
  let sweeper: RetentionSweeper | undefined;
  let firstAdminToken: string | undefined;
  try {
    await auditLog.recordStart(config);
    await auditExpiredRules(policy, auditLog);
    const redactor = config.redaction.enabled ? await createRedactor(config.redaction) : undefined;
    const memory = await openMemory({
      store,
      masterKey: masterKey.key,
      retention: config.memory.retention,
      epochs: epochScheduleOf(config.keys),
      epochKeyFile: epochKeyFileOf(config),
      filterText: memoryFilterOf(redactor),
      auditor: auditLog,
      signingKey,
    });
    serving = await startServing(config, {
      logger: log.logger,
      store,
      auditor: auditLog,
      memory,
      metrics,
      redactor,
    });
    sweeper = startSweeper({ memory, metrics, config, logger: log.logger });
    // Only once Moat listens: a key made before a failed start would stay in the store while
    // its token, shown only on a successful start, would be lost with no way to recover it.
    firstAdminToken = await createFirstAdminKey(store, auditLog);
  } catch (error) {
    await sweeper?.stop();
    await serving?.close();
    await auditLog.close();
    await store.close();
    guard.setDeniedListener(undefined);
    await log.close();
    throw error;
  }

  const running = serving;
  const runningSweeper = sweeper;
  const modelNames = running.catalog.list().map((entry) => entry.name);
  log.logger.info({ url: running.url, models: modelNames }, 'listening');
  return {
    url: running.url,
    firstAdminToken,
    generatedMasterKeyFile: masterKey.generatedFile,
    modelNames,
    isDemoModel: running.catalog.list().some((entry) => entry.isDemo),
    close: closeOnce(async () => {
      await runningSweeper.stop();
      await running.close();
      await auditLog.close();
      await store.close();
      guard.setDeniedListener(undefined);
      log.logger.info({}, 'stopped');
      await log.close();
    }),
    recordCrash: (errorName) => {
      log.logger.fatal({ errorName, errorCode: 'internal_error' }, 'uncaught error');
      log.flushSync();
    },
  };
}

/** The audit log, its checkpoints signed with Moat's Ed25519 key (the receipts' key). */
async function openAuditLog(
  store: MoatStore,
  masterKey: SecretKey,
): Promise<{ auditLog: AuditLog; signingKey: SigningKeyPair }> {
  const signingKey = await openSigningKey(store.keyring, masterKey);
  return {
    auditLog: new AuditLog({ store: store.audit, signer: checkpointSigner(signingKey) }),
    signingKey,
  };
}

async function openStoreOrCloseLog(location: StoreLocation, log: MoatLogger): Promise<MoatStore> {
  try {
    return await openStore(location);
  } catch (error) {
    await log.close();
    throw error;
  }
}

/**
 * Everything saved to memory, whatever route it came by, passes the memory direction of
 * redaction policy before it is sealed; a blocked class refuses the save.
 */
function memoryFilterOf(redactor: Redactor | undefined): MemoryTextFilter | undefined {
  if (redactor === undefined) return undefined;
  return async (text) => (await redactor.apply(text, { direction: 'memory' })).text;
}

/** Loads the catalog and listens; when either fails, closes what it had opened. */
async function startServing(
  config: MoatConfig,
  parts: {
    logger: Logger;
    store: MoatStore;
    auditor: Auditor;
    memory: Memory;
    metrics: Metrics;
    redactor: Redactor | undefined;
  },
): Promise<Serving> {
  const catalog = await loadCatalog(config);
  const closers = [() => catalog.close()];

  try {
    const breakGlass = await startBreakGlass(config, { ...parts, catalog });
    closers.unshift(() => {
      breakGlass.stop();
      return Promise.resolve();
    });
    const webAssets = config.web.enabled ? WebAssets.load() : undefined;
    const app = buildServer({ ...parts, config, catalog, webAssets, breakGlass });
    closers.unshift(() => app.close());
    const url = await app.listen({ host: config.server.host, port: config.server.port });
    return { url, catalog, close: () => closeInOrder(closers) };
  } catch (error) {
    await closeInOrder(closers);
    throw error;
  }
}

/**
 * Break-glass grants, read from the store so that grants opened before a restart keep their
 * end times, and kept current every few seconds. Captures are sealed under per-grant keys
 * wrapped by the master key and shredded with receipts signed by Moat's key.
 */
async function startBreakGlass(
  config: MoatConfig,
  parts: {
    store: MoatStore;
    auditor: Auditor;
    memory: Memory;
    metrics: Metrics;
    catalog: ModelCatalog;
  },
): Promise<BreakGlass> {
  const { memory, metrics } = parts;
  const breakGlass = new BreakGlass({
    store: parts.store,
    auditor: parts.auditor,
    vault: new CaptureVault({
      store: parts.store.breakGlass,
      masterKey: memory.masterKey,
      signingKey: memory.signingKey,
    }),
    policy: {
      isSecondAdminRequired: config.breakGlass.requireSecondAdmin,
      retentionHours: config.breakGlass.retentionHours,
    },
    modelNames: parts.catalog.list().map((entry) => entry.name),
    onOpenCount: (count) => {
      metrics.breakGlassOpenGrants.set(count);
    },
  });
  await breakGlass.start();
  return breakGlass;
}

/**
 * Where every refusal of the egress guard is reported: a log record naming destination and
 * port, a metric, and an `egress.refused` audit entry.
 */
function reportEgressDenial(
  denial: EgressDenial,
  parts: { logger: Logger; metrics: Metrics; auditor: Auditor | undefined },
): void {
  parts.metrics.egressDenied.inc({ kind: denial.kind, reason: denial.reason });
  const targets = egressAuditTargets(denial.destination, denial.port);
  // The connect has already failed for the caller; a failed append must not add a second
  // failure on top, and the log record above still accounts for the refusal.
  void parts.auditor
    ?.record({ actor: SYSTEM_ACTOR, action: 'egress.refused', targets, outcome: 'refused' })
    .catch(() => undefined);
  parts.logger.warn(
    {
      egressKind: denial.kind,
      egressReason: denial.reason,
      destination: denial.destination,
      resolvedAddress: denial.resolvedAddress,
      port: denial.port,
    },
    'egress denied',
  );
}

/** Expired rules deny; saying so at start spares an operator a hunt for refused connections. */
function reportExpiredRules(policy: EgressPolicy, logger: Logger): void {
  for (const rule of policy.expiredRules(Date.now())) {
    logger.warn(
      { ruleIndex: rule.index, destination: rule.config.destination, expires: rule.config.expires },
      'egress rule expired',
    );
  }
}

/**
 * Audit entries carry only target-shaped ids: a destination that is not one is named
 * generically.
 */
function egressAuditTargets(destination: string, port: number | undefined): string[] {
  const host = isAuditId(destination) ? destination : 'unprintable';
  return port === undefined ? [`host:${host}`] : [`host:${host}`, `port:${port}`];
}

async function auditExpiredRules(policy: EgressPolicy, auditor: Auditor): Promise<void> {
  for (const rule of policy.expiredRules(Date.now())) {
    const targets = [
      `rule:${rule.index}`,
      ...egressAuditTargets(rule.config.destination, undefined),
    ];
    await auditor.record({
      actor: SYSTEM_ACTOR,
      action: 'egress.rule-expired',
      targets,
      outcome: 'ok',
    });
  }
}

function startSweeper(parts: {
  memory: Memory;
  metrics: Metrics;
  config: MoatConfig;
  logger: Logger;
}): RetentionSweeper {
  const sweeper = new RetentionSweeper({
    memory: parts.memory,
    metrics: parts.metrics,
    intervalMs: parts.config.memory.sweepIntervalSeconds * 1000,
    onError: (error) => {
      parts.logger.error({ errorName: errorNameOf(error) }, 'retention sweep failed');
    },
  });
  sweeper.start();
  return sweeper;
}

function errorNameOf(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
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
