import { existsSync } from 'node:fs';
import { loadConfig, type MoatConfig } from '../config/index.js';
import {
  epochKeyFileOf,
  epochScheduleOf,
  openMemory,
  openSigningKey,
  resolveMasterKey,
  type Memory,
} from '../memory/index.js';
import { AuditLog, checkpointSigner, type Auditor } from '../audit/index.js';
import type { SecretKey } from '../crypto/index.js';
import { storeLocation, type MoatStore } from '../store/index.js';
import type { CliContext } from './cli-support.js';
import { openCommandStore } from './open-command-store.js';

export interface MemoryAccess {
  values: { data?: string | undefined; config?: string | undefined };
  context: CliContext;
  /** False only for a restore, which may fill a store that does not exist yet. */
  mustExist?: boolean;
}

/** Help lines for the options that choose the store and keys. */
export const MEMORY_OPTIONS_HELP = [
  '  --data DIR      Data folder (default: MOAT_DATA_DIR, else the config)',
  '  --config FILE   Config file (default: MOAT_CONFIG, else ./moat.yaml if present)',
  '  The master key comes from MOAT_MASTER_KEY, keys.masterKeyFile, or master.key in the',
  '  data folder, as for moat serve.',
].join('\n');

/**
 * Opens the configured store with the memory part on it, as `moat serve` would, runs
 * `action`, and closes the store whatever happens. Never creates a master key: a new key
 * would open nothing already stored. What the action does is audited as it would be from a
 * running Moat, and a signed checkpoint closes the command's entries, so that the log
 * verifies whether or not Moat is running.
 */
export async function withMemory<T>(
  access: MemoryAccess,
  action: (memory: Memory, auditor: Auditor) => Promise<T>,
): Promise<T> {
  return withKeys(access, async (opened) => {
    const signingKey = await openSigningKey(opened.store.keyring, opened.masterKey);
    const auditLog = new AuditLog({
      store: opened.store.audit,
      signer: checkpointSigner(signingKey),
    });
    const recorded = { count: 0 };
    const auditor: Auditor = {
      record: async (input) => {
        const entry = await auditLog.record(input);
        recorded.count += 1;
        return entry;
      },
    };
    const memory = await openMemory({
      store: opened.store,
      masterKey: opened.masterKey,
      retention: opened.config.memory.retention,
      epochs: epochScheduleOf(opened.config.keys),
      epochKeyFile: epochKeyFileOf(opened.config),
      auditor,
      signingKey,
    });
    try {
      return await action(memory, auditor);
    } finally {
      if (recorded.count > 0) await auditLog.checkpoint('command');
    }
  });
}

/** What `withKeys` opens: the configuration, its store and its master key. */
export interface OpenedKeys {
  config: MoatConfig;
  store: MoatStore;
  masterKey: SecretKey;
}

/** Like `withMemory`, without building the memory part (which needs the signing key). */
export async function withKeys<T>(
  access: MemoryAccess,
  action: (opened: OpenedKeys) => Promise<T>,
): Promise<T> {
  const { values, context } = access;
  const config = loadConfig({
    ...(values.config === undefined ? {} : { configPath: values.config }),
    env: context.env,
    ...(values.data === undefined ? {} : { overrides: { dataDir: values.data } }),
  });
  const location = storeLocation(config);
  const isMissing = location.backend === 'sqlite' && !existsSync(location.filePath);
  if (isMissing && access.mustExist !== false) {
    throw new Error(`there is no store at ${location.filePath}; check --data or --config`);
  }

  const masterKey = resolveMasterKey({
    masterKeyFile: config.keys.masterKeyFile,
    dataDir: config.dataDir,
    env: context.env,
    mayCreate: false,
  });
  const store = await openCommandStore(location, () => config);
  try {
    return await action({ config, store, masterKey: masterKey.key });
  } finally {
    await store.close();
  }
}
