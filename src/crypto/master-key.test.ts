import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/index.js';
import type { SecretKey } from './secret-key.js';
import { generateMasterKeyText, loadMasterKey } from './master-key.js';

const folder = mkdtempSync(join(tmpdir(), 'moat-master-key-'));
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const settings = { envSetting: 'MOAT_MASTER_KEY', fileSetting: 'keys.masterKeyFile' };

function fromEnv(value: string | undefined): SecretKey {
  return loadMasterKey({ ...settings, envValue: value, filePath: undefined });
}

function keyFile(text: string, mode = 0o600): string {
  const path = join(folder, `key-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('loadMasterKey', () => {
  it('reads the same key from the environment and from a file with a newline', () => {
    const text = generateMasterKeyText();
    const path = keyFile(`${text}\n`);
    const fromFile = loadMasterKey({ ...settings, envValue: undefined, filePath: path });
    expect(fromFile.id).toBe(fromEnv(text).id);
  });

  it('refuses missing, empty, short, long, hex and malformed keys, naming the setting', () => {
    const hexKey = 'ab'.repeat(32);
    const malformed = `${generateMasterKeyText().slice(0, 40)}!!!=`;
    const cases: [string | undefined, RegExp][] = [
      [undefined, /no master key is set: set MOAT_MASTER_KEY .* or keys\.masterKeyFile/],
      ['', /MOAT_MASTER_KEY is empty; make one with `openssl rand -base64 32`/],
      ['   \n', /MOAT_MASTER_KEY is empty/],
      [Buffer.alloc(16, 3).toString('base64'), /MOAT_MASTER_KEY is not a 32-byte key in base64/],
      [Buffer.alloc(48, 3).toString('base64'), /MOAT_MASTER_KEY is not a 32-byte key/],
      [hexKey, /MOAT_MASTER_KEY holds hex; .* base64/],
      [malformed, /MOAT_MASTER_KEY is not a 32-byte key/],
      [Buffer.alloc(32, 0).toString('base64'), /all alike/],
    ];
    for (const [value, expected] of cases) {
      const message = refusal(() => fromEnv(value));
      expect(message).toMatch(expected);
      if (value !== undefined && value.trim() !== '') expect(message).not.toContain(value.trim());
    }
  });

  it('refuses non-canonical base64 whose last character carries stray bits', () => {
    const text = generateMasterKeyText();
    const lastIndex = 42;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const value = alphabet.indexOf(text[lastIndex] ?? 'A');
    const stray = `${text.slice(0, lastIndex)}${alphabet[value ^ 1]}=`;
    expect(refusal(() => fromEnv(stray))).toMatch(/not canonical base64/);
  });

  it('refuses both sources at once', () => {
    const path = keyFile(generateMasterKeyText());
    const message = refusal(() =>
      loadMasterKey({ ...settings, envValue: generateMasterKeyText(), filePath: path }),
    );
    expect(message).toBe('both MOAT_MASTER_KEY and keys.masterKeyFile are set; keep only one');
  });

  it('refuses a missing file, a folder, a large file and a file others may read', () => {
    const cases: [string, RegExp][] = [
      [join(folder, 'absent'), /keys\.masterKeyFile names a file that cannot be read/],
      [folder, /keys\.masterKeyFile must name a regular file/],
      [keyFile('A'.repeat(4096)), /too large/],
      [keyFile(generateMasterKeyText(), 0o644), /group or others .* `chmod 600`/],
      [keyFile(''), /keys\.masterKeyFile is empty/],
    ];
    for (const [path, expected] of cases) {
      expect(
        refusal(() => loadMasterKey({ ...settings, envValue: undefined, filePath: path })),
      ).toMatch(expected);
    }
  });
});
