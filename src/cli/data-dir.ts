import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { SQLITE_FILE_NAME } from '../store/index.js';

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

/** Help lines for the options that choose the data folder, shared by the commands using them. */
export const DATA_DIR_OPTIONS_HELP = [
  '  --data DIR      Data folder (default: MOAT_DATA_DIR, else the config)',
  '  --config FILE   Config file (default: MOAT_CONFIG, else ./moat.yaml if present)',
].join('\n');
