import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/index.js';
import { generateMasterKeyText, loadMasterKey, type SecretKey } from '../crypto/index.js';

/** The environment variable that may hold the master key itself. */
export const MASTER_KEY_ENV = 'MOAT_MASTER_KEY';
const MASTER_KEY_FILE_SETTING = 'keys.masterKeyFile';

/** The file Moat creates when the operator names no key: in the data folder, beside the store. */
export const GENERATED_MASTER_KEY_FILE = 'master.key';

export interface MasterKeySource {
  key: SecretKey;
  /** The path of a key file Moat created on this start; the operator must hear of it. */
  generatedFile: string | undefined;
}

/**
 * The master key from `MOAT_MASTER_KEY` or `keys.masterKeyFile`; a setting that is present
 * but empty, missing or malformed stops the start, naming the setting. With neither set,
 * the key lives in `master.key` in the data folder, created on the first start.
 */
export function resolveMasterKey(options: {
  masterKeyFile: string | undefined;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** False for commands that work on an existing store: a new key would open nothing. */
  mayCreate?: boolean;
}): MasterKeySource {
  const envValue = options.env[MASTER_KEY_ENV];
  if (envValue !== undefined || options.masterKeyFile !== undefined) {
    const key = loadMasterKey({
      envValue,
      envSetting: MASTER_KEY_ENV,
      filePath: options.masterKeyFile,
      fileSetting: MASTER_KEY_FILE_SETTING,
    });
    return { key, generatedFile: undefined };
  }

  const filePath = join(options.dataDir, GENERATED_MASTER_KEY_FILE);
  const isNew = !existsSync(filePath);
  if (isNew && options.mayCreate === false) {
    throw new ConfigError(
      `no master key is set and there is no ${filePath}; set ${MASTER_KEY_ENV} or ${MASTER_KEY_FILE_SETTING}`,
    );
  }
  if (isNew) writeNewKeyFile(filePath, options.dataDir);
  const key = loadMasterKey({
    envValue: undefined,
    envSetting: MASTER_KEY_ENV,
    filePath,
    fileSetting: `the master key file ${filePath} (set ${MASTER_KEY_FILE_SETTING} or ${MASTER_KEY_ENV})`,
  });
  return { key, generatedFile: isNew ? filePath : undefined };
}

function writeNewKeyFile(filePath: string, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // 'wx' fails if another process created the file in the meantime; then that one is used.
  let descriptor: number;
  try {
    descriptor = openSync(filePath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  try {
    writeSync(descriptor, `${generateMasterKeyText()}\n`);
  } finally {
    closeSync(descriptor);
  }
}
