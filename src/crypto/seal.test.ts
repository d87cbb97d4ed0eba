import { describe, expect, it } from 'vitest';
import { MoatError } from '../errors/index.js';
import { SecretKey } from './secret-key.js';
import { SEAL_OVERHEAD_BYTES, open, readSealedHeader, seal } from './seal.js';
import type { SealContext } from './seal-context.js';

const CANARY = 'canary-seal-7f3a91c2';
const context: SealContext = { purpose: 'item-content', ownerId: 'owner-a', itemId: 'item-1' };

function expectDecryptionFailure(action: () => unknown, reason: RegExp): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MoatError);
  expect((thrown as MoatError).code).toBe('decryption_failed');
  expect((thrown as MoatError).message).toMatch(reason);
  expect((thrown as MoatError).message).not.toContain(CANARY);
}

describe('seal and open', () => {
  const key = SecretKey.generate();
  const plaintext = Buffer.from(`secret ${CANARY}`);

  it('round-trips and keeps no plaintext in the blob', () => {
    const sealed = seal(key, plaintext, context);
    expect(sealed.length).toBe(plaintext.length + SEAL_OVERHEAD_BYTES);
    expect(sealed.includes(Buffer.from(CANARY))).toBe(false);
    expect(open(key, sealed, context).toString()).toBe(`secret ${CANARY}`);
  });

  it('uses a fresh nonce each time', () => {
    const first = seal(key, plaintext, context);
    const second = seal(key, plaintext, context);
    expect(first.subarray(9, 21).equals(second.subarray(9, 21))).toBe(false);
    expect(first.equals(second)).toBe(false);
  });

  it('names the sealing key in the header', () => {
    expect(readSealedHeader(seal(key, plaintext, context))).toEqual({ version: 1, keyId: key.id });
  });

  it('seals empty plaintext', () => {
    expect(open(key, seal(key, Buffer.alloc(0), context), context).length).toBe(0);
  });

  it('refuses every flipped bit', () => {
    const sealed = seal(key, plaintext, context);
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const altered = Buffer.from(sealed);
      altered[bit >> 3] = (altered[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      expectDecryptionFailure(() => open(key, altered, context), /could not be opened/);
    }
  });

  it('refuses a blob moved to another item, owner or purpose', () => {
    const sealed = seal(key, plaintext, context);
    const otherContexts: SealContext[] = [
      { ...context, itemId: 'item-2' },
      { ...context, ownerId: 'owner-b' },
      { ...context, purpose: 'item-vector' },
      { purpose: 'item-content', ownerId: 'owner-a' },
      { ...context, extra: 'x' },
    ];
    for (const other of otherContexts) {
      expectDecryptionFailure(() => open(key, sealed, other), /another context/);
    }
  });

  it('refuses a truncated or extended blob', () => {
    const sealed = seal(key, plaintext, context);
    for (const length of [0, 1, 20, SEAL_OVERHEAD_BYTES - 1, sealed.length - 1]) {
      expectDecryptionFailure(() => open(key, sealed.subarray(0, length), context), /./);
    }
    const extended = Buffer.concat([sealed, Buffer.from([0])]);
    expectDecryptionFailure(() => open(key, extended, context), /altered/);
  });

  it('refuses the wrong key, and a wrong key that claims the right id', () => {
    const sealed = seal(key, plaintext, context);
    const other = SecretKey.generate();
    expectDecryptionFailure(() => open(other, sealed, context), /another key/);

    const forged = Buffer.from(sealed);
    forged.write(other.id, 1, 8, 'hex');
    expectDecryptionFailure(() => open(other, forged, context), /altered/);
  });

  it('refuses an unknown format version', () => {
    const sealed = seal(key, plaintext, context);
    sealed[0] = 2;
    expectDecryptionFailure(() => open(key, sealed, context), /version 2/);
  });

  it('opens a blob that sits inside a larger buffer', () => {
    const sealed = seal(key, plaintext, context);
    const padded = Buffer.concat([Buffer.from('xyz'), sealed, Buffer.from('abc')]);
    const view = padded.subarray(3, 3 + sealed.length);
    expect(open(key, view, context).toString()).toBe(`secret ${CANARY}`);
  });

  it('refuses contexts with empty or non-whole bindings and unknown purposes', () => {
    const bad = [
      { ...context, ownerId: '' },
      { ...context, epoch: 1.5 },
      { purpose: 'nonsense' } as unknown as SealContext,
    ];
    for (const badContext of bad) {
      expect(() => seal(key, plaintext, badContext)).toThrow(/seal context/i);
    }
  });
});
