import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretKey, readKeyBytes } from './secret-key.js';

describe('SecretKey', () => {
  it('gives a stable 16-hex-digit id that differs between keys', () => {
    const bytes = Buffer.alloc(32, 7);
    const key = SecretKey.fromBytes(bytes);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(SecretKey.fromBytes(bytes).id).toBe(key.id);
    expect(SecretKey.generate().id).not.toBe(key.id);
  });

  it('never prints its bytes through JSON, inspect or strings', () => {
    const key = SecretKey.generate();
    const hex = readKeyBytes(key).toString('hex');
    const base64 = readKeyBytes(key).toString('base64');
    const printed = [JSON.stringify({ key }), inspect(key, { showHidden: true }), String(key)];
    for (const text of printed) {
      expect(text).toContain(key.id);
      expect(text).not.toContain(hex);
      expect(text).not.toContain(base64);
    }
  });

  it('copies the bytes it is given', () => {
    const bytes = Buffer.alloc(32, 9);
    const key = SecretKey.fromBytes(bytes);
    bytes.fill(0);
    expect(readKeyBytes(key).equals(Buffer.alloc(32, 9))).toBe(true);
  });

  it('overwrites its bytes on destroy and refuses use afterwards', () => {
    const key = SecretKey.generate();
    const bytes = readKeyBytes(key);
    key.destroy();
    expect(bytes.equals(Buffer.alloc(32))).toBe(true);
    expect(key.isDestroyed).toBe(true);
    expect(() => readKeyBytes(key)).toThrow(/destroyed/);
  });

  it('refuses keys of the wrong length', () => {
    for (const length of [0, 16, 31, 33]) {
      expect(() => SecretKey.fromBytes(Buffer.alloc(length, 1))).toThrow(/32 bytes/);
    }
  });
});
