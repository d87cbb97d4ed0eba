import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { ConfigError } from '../config/index.js';
import { KEY_BYTES, SecretKey } from './secret-key.js';
import { wipe } from './wipe.js';

/**
 * The one accepted text form of a master key: 32 bytes in standard base64 with its padding,
 * 44 characters, as `openssl rand -base64 32` prints. Whitespace around it is ignored.
 */
const MASTER_KEY_PATTERN = /^[A-Za-z0-9+/]{43}=$/;
const HEX_KEY_PATTERN = /^[0-9a-fA-F]{64}$/;

/** A key file is a line of text; anything larger is not one, so it is not read whole. */
const MAX_KEY_FILE_BYTES = 1024;

const HOW_TO_MAKE = 'make one with `openssl rand -base64 32`';

/** Where the operator put the master key, and what those settings are called. */
export interface LoadMasterKeyOptions {
  /** The value of the environment variable, if it is set at all. */
  envValue: string | undefined;
  /** The variable's name, for messages: `MOAT_MASTER_KEY`. */
  envSetting: string;
  /** The path of a file holding the key, if configured. */
  filePath: string | undefined;
  /** The setting that names the file, for messages: `keys.masterKeyFile`. */
  fileSetting: string;
}

/**
 * Reads the master key from exactly one of an environment variable or a file. Each refusal
 * names the setting, the problem and the fix, and never repeats the value. A file must not
 * be readable by group or others (on POSIX systems).
 *
 * A key given in the environment stays in `process.env` as a string that cannot be wiped,
 * and child processes inherit it; callers should delete the variable once it is read.
 */
export function loadMasterKey(options: LoadMasterKeyOptions): SecretKey {
  const { envValue, envSetting, filePath, fileSetting } = options;
  if (envValue !== undefined && filePath !== undefined) {
    throw new ConfigError(`both ${envSetting} and ${fileSetting} are set; keep only one`);
  }
  if (envValue !== undefined) return parseMasterKey(Buffer.from(envValue, 'utf8'), envSetting);
  if (filePath !== undefined) {
    return parseMasterKey(readKeyFile(filePath, fileSetting), fileSetting);
  }

  throw new ConfigError(
    `no master key is set: set ${envSetting} to a 32-byte key in base64, or ${fileSetting} ` +
      `to a file holding one; ${HOW_TO_MAKE}`,
  );
}

/** A new master key in the accepted text form, for an operator to keep. */
export function generateMasterKeyText(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * Reads through one open descriptor, so the checks and the read see the same file even if
 * the path is swapped in between, and never more than a key file can hold.
 */
function readKeyFile(path: string, setting: string): Buffer {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch {
    throw new ConfigError(`${setting} names a file that cannot be read; check the path`);
  }

  try {
    checkKeyFile(fstatSync(descriptor), setting);
    const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES);
    const length = readSync(descriptor, buffer, 0, MAX_KEY_FILE_BYTES, 0);
    const text = Buffer.from(buffer.subarray(0, length));
    wipe(buffer);
    return text;
  } finally {
    closeSync(descriptor);
  }
}

function checkKeyFile(stats: Stats, setting: string): void {
  if (!stats.isFile()) throw new ConfigError(`${setting} must name a regular file`);
  if (stats.size > MAX_KEY_FILE_BYTES) {
    throw new ConfigError(`${setting} names a file too large to be a key; ${HOW_TO_MAKE}`);
  }
  if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
    throw new ConfigError(
      `${setting} names a file that group or others may access; run \`chmod 600\` on it`,
    );
  }
}

/** Checks and decodes; every buffer that held the key is wiped whatever happens. */
function parseMasterKey(text: Buffer, setting: string): SecretKey {
  const trimmed = text.toString('utf8').trim();
  wipe(text);

  const problem = describeTextProblem(trimmed);
  if (problem !== undefined) throw new ConfigError(`${setting} ${problem}`);

  const bytes = Buffer.from(trimmed, 'base64');
  try {
    if (bytes.toString('base64') !== trimmed) {
      throw new ConfigError(`${setting} is not canonical base64; ${HOW_TO_MAKE}`);
    }
    if (bytes.every((byte) => byte === bytes[0])) {
      throw new ConfigError(`${setting} holds a key whose bytes are all alike; ${HOW_TO_MAKE}`);
    }
    return SecretKey.fromBytes(bytes);
  } finally {
    wipe(bytes);
  }
}

function describeTextProblem(trimmed: string): string | undefined {
  if (trimmed === '') return `is empty; ${HOW_TO_MAKE}`;
  if (HEX_KEY_PATTERN.test(trimmed)) {
    return 'holds hex; Moat reads the master key as base64: convert it with `xxd -r -p | base64`';
  }
  if (!MASTER_KEY_PATTERN.test(trimmed)) {
    return `is not a 32-byte key in base64 (44 characters ending in "="); ${HOW_TO_MAKE}`;
  }
  return undefined;
}
