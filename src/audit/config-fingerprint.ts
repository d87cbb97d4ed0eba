import { createHmac } from 'node:crypto';

/**
 * What the audit log keeps of a configuration: a hash of the whole, and a hash per setting
 * so that the next start can name the settings that changed. Hashes are keyed with a random
 * salt kept in the store, so a table of likely values cannot be matched against them.
 */
export interface ConfigFingerprint {
  /** HMAC-SHA-256 of the whole configuration, hex, first 16 characters. */
  hash: string;
  /** Dotted setting name (`server.port`, `models.demo.file`) to the HMAC of its value. */
  settingHashes: Record<string, string>;
}

const SHORT_HASH_LENGTH = 16;

/** Fingerprints the effective configuration; values never leave this function. */
export function fingerprintConfig(config: unknown, salt: string): ConfigFingerprint {
  const settings = new Map<string, unknown>();
  flatten(config, [], settings);

  const settingHashes: Record<string, string> = {};
  for (const [name, value] of [...settings].sort(([a], [b]) => (a < b ? -1 : 1))) {
    settingHashes[name] = keyedHash(salt, `${name}\n${JSON.stringify(value ?? null)}`);
  }
  // Leaves are scalars or arrays of scalars, and the names are sorted, so this text is stable.
  return { hash: keyedHash(salt, JSON.stringify(settingHashes)), settingHashes };
}

/** The names of settings added, removed or changed between two fingerprints, sorted. */
export function changedSettings(
  before: Record<string, string>,
  after: Record<string, string>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}

/**
 * Leaves become settings. Models are named by their catalog name, which is stable when the
 * list is reordered; other arrays are leaves of their own.
 */
function flatten(value: unknown, path: string[], into: Map<string, unknown>): void {
  if (Array.isArray(value) && path.join('.') === 'models') {
    for (const model of value as { name?: unknown }[]) {
      flatten(model, [...path, String(model.name)], into);
    }
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, [...path, key], into);
  } else {
    into.set(path.join('.'), value);
  }
}

function keyedHash(salt: string, text: string): string {
  return createHmac('sha256', salt).update(text).digest('hex').slice(0, SHORT_HASH_LENGTH);
}
