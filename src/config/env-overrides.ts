/**
 * Environment variables that override keys of the configuration file. Every variable Moat
 * reads is listed here, so the table doubles as documentation (docs/configuration.md).
 */
export const ENV_OVERRIDES = {
  MOAT_DATA_DIR: { key: 'dataDir', parse: asText },
  MOAT_STORE_URL: { key: 'store.url', parse: asText },
  MOAT_HOST: { key: 'server.host', parse: asText },
  MOAT_PORT: { key: 'server.port', parse: asInteger },
  MOAT_LOG_LEVEL: { key: 'log.level', parse: asText },
  MOAT_LOG_FILE: { key: 'log.file', parse: asText },
  MOAT_THREADS: { key: 'engine.threads', parse: asInteger },
} as const satisfies Record<string, EnvOverride>;

interface EnvOverride {
  /** The configuration key the variable sets, dotted: `server.port`. */
  key: string;
  parse: (value: string) => unknown;
}

function asText(value: string): string {
  return value;
}

function asInteger(value: string): number | string {
  // Anything but digits stays text, so the schema reports it against the variable's key.
  return /^\d+$/.test(value) ? Number(value) : value;
}
