import { describe, expect, it } from 'vitest';
import { SecretKey, readKeyBytes } from './secret-key.js';
import { rewrapKey, unwrapKey, wrapKey } from './key-wrap.js';
import {
  generateSigningKeyPair,
  signingKeyContext,
  unwrapSigningKey,
  wrapSigningKey,
} from './signing-key.js';
import { open, readSealedHeader, seal } from './seal.js';
import type { SealContext } from './seal-context.js';

const ownerContext: SealContext = { purpose: 'owner-key', ownerId: 'owner-a' };
const itemContext: SealContext = { purpose: 'item-key', ownerId: 'owner-a', itemId: 'item-1' };
const contentContext: SealContext = { ...itemContext, purpose: 'item-content' };

describe('key wrapping', () => {
  it('wraps owner keys under the master key and item keys under owner keys', () => {
    const master = SecretKey.generate();
    const ownerKey = SecretKey.generate();
    const itemKey = SecretKey.generate();
    const wrappedOwner = wrapKey({ wrappingKey: master, key: ownerKey, context: ownerContext });
    const wrappedItem = wrapKey({ wrappingKey: ownerKey, key: itemKey, context: itemContext });
    expect(wrappedOwner.includes(readKeyBytes(ownerKey))).toBe(false);

    const openedOwner = unwrapKey({
      wrappingKey: master,
      wrapped: wrappedOwner,
      context: ownerContext,
    });
    const openedItem = unwrapKey({
      wrappingKey: openedOwner,
      wrapped: wrappedItem,
      context: itemContext,
    });
    expect(openedOwner.id).toBe(ownerKey.id);
    expect(openedItem.id).toBe(itemKey.id);
  });

  it('refuses a wrapped item key opened as an owner key or for another item', () => {
    const ownerKey = SecretKey.generate();
    const wrapped = wrapKey({
      wrappingKey: ownerKey,
      key: SecretKey.generate(),
      context: itemContext,
    });
    const wrongContexts: SealContext[] = [
      { purpose: 'owner-key', ownerId: 'owner-a', itemId: 'item-1' },
      { ...itemContext, itemId: 'item-2' },
    ];
    for (const context of wrongContexts) {
      expect(() => unwrapKey({ wrappingKey: ownerKey, wrapped, context })).toThrow(
        expect.objectContaining({ code: 'decryption_failed' }),
      );
    }
  });

  it('re-wraps under a new master key without changing the wrapped key', () => {
    const oldMaster = SecretKey.generate();
    const newMaster = SecretKey.generate();
    const ownerKey = SecretKey.generate();
    const content = seal(ownerKey, Buffer.from('hello'), contentContext);
    const wrapped = wrapKey({ wrappingKey: oldMaster, key: ownerKey, context: ownerContext });

    const options = {
      wrapped,
      context: ownerContext,
      oldWrappingKey: oldMaster,
      newWrappingKey: newMaster,
    };
    const rewrapped = rewrapKey(options);
    expect(readSealedHeader(rewrapped).keyId).toBe(newMaster.id);
    const opened = unwrapKey({ wrappingKey: newMaster, wrapped: rewrapped, context: ownerContext });
    expect(open(opened, content, contentContext).toString()).toBe('hello');
    expect(() =>
      unwrapKey({ wrappingKey: oldMaster, wrapped: rewrapped, context: ownerContext }),
    ).toThrow(/another key/);

    const again = rewrapKey({ ...options, wrapped: rewrapped });
    expect(again.equals(rewrapped)).toBe(true);
  });

  it('refuses to re-wrap a blob that neither master key opens', () => {
    const stranger = SecretKey.generate();
    const wrapped = wrapKey({
      wrappingKey: stranger,
      key: SecretKey.generate(),
      context: ownerContext,
    });
    expect(() =>
      rewrapKey({
        wrapped,
        context: ownerContext,
        oldWrappingKey: SecretKey.generate(),
        newWrappingKey: SecretKey.generate(),
      }),
    ).toThrow(expect.objectContaining({ code: 'decryption_failed' }));
  });

  it('keeps keys and data apart: no key under a data purpose, no data under a key purpose', () => {
    const key = SecretKey.generate();
    expect(() =>
      wrapKey({ wrappingKey: key, key: SecretKey.generate(), context: contentContext }),
    ).toThrow(/is for data; wrap keys with a key purpose/);
    expect(() => seal(key, Buffer.alloc(32), itemContext)).toThrow(/is for keys; use wrapKey/);
    const wrapped = wrapKey({ wrappingKey: key, key: SecretKey.generate(), context: itemContext });
    expect(() => open(key, wrapped, itemContext)).toThrow(/is for keys/);
    const sealed = seal(key, Buffer.alloc(32), contentContext);
    expect(() => unwrapKey({ wrappingKey: key, wrapped: sealed, context: contentContext })).toThrow(
      /is for data/,
    );
  });

  it('refuses to wrap a key under itself', () => {
    const key = SecretKey.generate();
    expect(() => wrapKey({ wrappingKey: key, key, context: ownerContext })).toThrow(/under itself/);
  });

  it('re-wraps a signing key for a master key rotation', () => {
    const oldMaster = SecretKey.generate();
    const newMaster = SecretKey.generate();
    const pair = generateSigningKeyPair();
    const rewrapped = rewrapKey({
      wrapped: wrapSigningKey(oldMaster, pair),
      context: signingKeyContext(pair.keyId),
      oldWrappingKey: oldMaster,
      newWrappingKey: newMaster,
    });
    expect(unwrapSigningKey(newMaster, rewrapped, pair.keyId).keyId).toBe(pair.keyId);
  });

  it("refuses a wrapped key with any bit flipped, or swapped into another owner's row", () => {
    const master = SecretKey.generate();
    const wrapped = wrapKey({
      wrappingKey: master,
      key: SecretKey.generate(),
      context: ownerContext,
    });
    for (let bit = 0; bit < wrapped.length * 8; bit++) {
      const altered = Buffer.from(wrapped);
      altered[bit >> 3] = (altered[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      expect(() =>
        unwrapKey({ wrappingKey: master, wrapped: altered, context: ownerContext }),
      ).toThrow(expect.objectContaining({ code: 'decryption_failed' }));
    }
    const ownerB: SealContext = { purpose: 'owner-key', ownerId: 'owner-b' };
    expect(() => unwrapKey({ wrappingKey: master, wrapped, context: ownerB })).toThrow(
      /another context/,
    );
  });
});
