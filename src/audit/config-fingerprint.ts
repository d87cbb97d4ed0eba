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

/** A list of the configuration whose entries are named by one of their own settings. */
interface NamedList {
  path: string;
  nameKey: string;
}

/**
 * Models go by their catalog name and egress rules by their destination, names that stay
 * put when a list is reordered, so that a change can be told apart from a move.
 */
export const NAMED_LISTS = {
  models: { path: 'models', nameKey: 'name' },
  egressRules: { path: 'egress.allow', nameKey: 'destination' },
} as const satisfies Record<string, NamedList>;

/** How the entries of a named list differ between two fingerprints, by entry name. */
export interface ListChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/** The entries of `list` added, removed or changed between two fingerprints. */
export function changedEntries(
  list: NamedList,
  hashes: { before: Record<string, string>; after: Record<string, string> },
): ListChanges {
  const before = entryNames(list, hashes.before);
  const after = entryNames(list, hashes.after);
  const differs = changedSettings(hashes.before, hashes.after);
  const isTouched = (name: string) =>
    differs.some((setting) => setting.startsWith(`${list.path}.${name}.`));
  return {
    added: [...after].filter((name) => !before.has(name)),
    removed: [...before].filter((name) => !after.has(name)),
    changed: [...after].filter((name) => before.has(name) && isTouched(name)),
  };
}

/** Every entry has its name setting, so those settings list the entries. */
function entryNames(list: NamedList, hashes: Record<string, string>): Set<string> {
  const prefix = `${list.path}.`;
  const suffix = `.${list.nameKey}`;
  return new Set(
    Object.keys(hashes)
      .filter((name) => name.startsWith(prefix) && name.endsWith(suffix))
      .map((name) => name.slice(prefix.length, -suffix.length))
      .filter((name) => name.length > 0),
  );
}

/** Leaves become settings; entries of a named list go by their name, other arrays are leaves. */
function flatten(value: unknown, path: string[], into: Map<string, unknown>): void {
  const list = Object.values(NAMED_LISTS).find((named) => named.path === path.join('.'));
  if (Array.isArray(value) && list !== undefined) {
    for (const entry of value as Record<string, unknown>[]) {
      flatten(entry, [...path, String(entry[list.nameKey])], into);
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
