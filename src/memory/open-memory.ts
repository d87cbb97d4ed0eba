import type { EpochSchedule, SecretKey, SigningKeyPair } from '../crypto/index.js';
import type { MoatStore } from '../store/index.js';
import { join } from 'node:path';
import { EPOCH_KEY_FILE_NAME, EpochKeyFile } from './epoch-key-file.js';
import type { Auditor } from '../audit/index.js';
import { MemoryAudit } from './memory-audit.js';
import { MemoryEraser } from './memory-eraser.js';
import { MemoryKeyring } from './memory-keyring.js';
import { MemoryService, type MemoryTextFilter } from './memory-service.js';
import { RetentionPolicy, type RetentionSettings } from './retention-policy.js';
import { openSigningKey } from './signing-key-store.js';

/** The memory part, assembled: what routes, the sweeper and the CLI use. */
export interface Memory {
  store: MoatStore;
  service: MemoryService;
  eraser: MemoryEraser;
  keyring: MemoryKeyring;
  policy: RetentionPolicy;
  signingKey: SigningKeyPair;
  epochs: EpochSchedule;
  epochKeys: EpochKeyFile;
  masterKey: SecretKey;
}

export interface OpenMemoryOptions {
  store: MoatStore;
  masterKey: SecretKey;
  retention: RetentionSettings;
  epochs: EpochSchedule;
  /** Where the backup epoch keys and destroyed key ids are kept. */
  epochKeyFile: string;
  filterText?: MemoryTextFilter | undefined;
  /** Moat's signing key when the caller has opened it already (for the audit log). */
  signingKey?: SigningKeyPair | undefined;
  /** Where saves and shreddings are accounted for; commands that only read pass none. */
  auditor?: Auditor | undefined;
}

/** Builds the memory part on an open store; creates the signing key on first use. */
export async function openMemory(options: OpenMemoryOptions): Promise<Memory> {
  const { store, masterKey, epochs } = options;
  const keyring = new MemoryKeyring(store.keyring, masterKey);
  const policy = new RetentionPolicy(options.retention);
  const signingKey = options.signingKey ?? (await openSigningKey(store.keyring, masterKey));

  const audit = new MemoryAudit(options.auditor);
  const service = new MemoryService({
    store,
    keyring,
    policy,
    audit,
    ...(options.filterText === undefined ? {} : { filterText: options.filterText }),
  });
  const epochKeys = new EpochKeyFile({ path: options.epochKeyFile, masterKey, schedule: epochs });
  const eraser = new MemoryEraser({ store, keyring, signingKey, epochKeys, audit });
  return { store, service, eraser, keyring, policy, signingKey, epochs, epochKeys, masterKey };
}

/** The epoch key file a configuration names, or the default one in the data folder. */
export function epochKeyFileOf(config: {
  dataDir: string;
  keys: { epochKeyFile?: string | undefined };
}): string {
  return config.keys.epochKeyFile ?? join(config.dataDir, EPOCH_KEY_FILE_NAME);
}

/** The epoch schedule from `keys.backupEpochSeconds` and `keys.backupKeepSeconds`. */
export function epochScheduleOf(keys: {
  backupEpochSeconds: number;
  backupKeepSeconds: number;
}): EpochSchedule {
  return {
    epochLengthMs: keys.backupEpochSeconds * 1000,
    keepAfterEndMs: keys.backupKeepSeconds * 1000,
  };
}
