import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { SQLITE_FILE_NAME, storeLocation, type StoreLocation } from '../store/index.js';

export interface DataDirSources {
  /** `--data DIR` */
  dataFlag: string | undefined;
  /** `--config FILE` */
  configFlag: string | undefined;
  env: NodeJS.ProcessEnv;
}

/**
 * The data folder, in the order scripts expect: the flag, then MOAT_DATA_DIR, then the
 * config's `dataDir`. The config is read only when needed, so that `--data` works even
 * beside a config file that does not validate.
 */
export function resolveDataDir(sources: DataDirSources): string {
  if (sources.dataFlag !== undefined && sources.dataFlag !== '') return sources.dataFlag;

  const fromEnv = sources.env.MOAT_DATA_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;

  const configPath = sources.configFlag;
  return loadConfig(
    configPath === undefined ? { env: sources.env } : { configPath, env: sources.env },
  ).dataDir;
}

export function keyStorePath(dataDir: string): string {
  return join(dataDir, SQLITE_FILE_NAME);
}

/**
 * The store a command works on, in the same order as the data folder: `--data` means the
 * SQLite file there; then MOAT_STORE_URL, then MOAT_DATA_DIR, then the config's `store.url`
 * or `dataDir`.
 */
export function resolveStoreLocation(sources: DataDirSources): StoreLocation {
  if (sources.dataFlag !== undefined && sources.dataFlag !== '') {
    return { backend: 'sqlite', filePath: keyStorePath(sources.dataFlag) };
  }

  const url = sources.env.MOAT_STORE_URL;
  if (url !== undefined && url !== '') {
    return storeLocation({ dataDir: '', store: { url: checkStoreUrl(url) } });
  }
  const fromEnv = sources.env.MOAT_DATA_DIR;
  if (fromEnv !== undefined && fromEnv !== '') {
    return { backend: 'sqlite', filePath: keyStorePath(fromEnv) };
  }

  const configPath = sources.configFlag;
  return storeLocation(
    loadConfig(configPath === undefined ? { env: sources.env } : { configPath, env: sources.env }),
  );
}

function checkStoreUrl(url: string): string {
  if (/^postgres(ql)?:\/\/\S+$/.test(url)) return url;
  throw new Error('MOAT_STORE_URL must be a postgres:// or postgresql:// URL');
}

/** Help lines for the options that choose the data folder, shared by the commands using them. */
export const DATA_DIR_OPTIONS_HELP = [
  '  --data DIR      Data folder (default: MOAT_DATA_DIR, else the config)',
  '  --config FILE   Config file (default: MOAT_CONFIG, else ./moat.yaml if present)',
].join('\n');
