import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretKey } from '../crypto/index.js';
import { EpochKeyFile } from './epoch-key-file.js';

const schedule = { epochLengthMs: 1000, keepAfterEndMs: 1000 };
let folder: string;
let path: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'moat-epochs-'));
  path = join(folder, 'epoch-keys.json');
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('EpochKeyFile', () => {
  it('keeps every change of two holders of the same file', () => {
    const masterKey = SecretKey.generate();
    const first = new EpochKeyFile({ path, masterKey, schedule });
    const second = new EpochKeyFile({ path, masterKey, schedule });

    first.recordDestroyed(['aaaaaaaaaaaaaaaa'], new Date());
    second.recordDestroyed(['bbbbbbbbbbbbbbbb'], new Date());
    const made = first.currentKey(Date.now());
    const seen = second.currentKey(Date.now());

    expect(first.isDestroyed('aaaaaaaaaaaaaaaa') && first.isDestroyed('bbbbbbbbbbbbbbbb')).toBe(
      true,
    );
    expect(seen.epoch).toBe(made.epoch);
    expect(seen.key.id).toBe(made.key.id);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('makes its folder when the folder does not exist yet', () => {
    const nested = join(folder, 'not-yet', 'epoch-keys.json');
    const file = new EpochKeyFile({ path: nested, masterKey: SecretKey.generate(), schedule });
    file.recordDestroyed(['dddddddddddddddd'], new Date());
    expect(file.isDestroyed('dddddddddddddddd')).toBe(true);
  });

  it('takes over a lock left by a process that died holding it', () => {
    const file = new EpochKeyFile({ path, masterKey: SecretKey.generate(), schedule });
    writeFileSync(`${path}.lock`, '');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, longAgo, longAgo);

    file.recordDestroyed(['cccccccccccccccc'], new Date());
    expect(file.isDestroyed('cccccccccccccccc')).toBe(true);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
