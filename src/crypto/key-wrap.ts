import { SecretKey, readKeyBytes } from './secret-key.js';
import { open, readSealedHeader, seal } from './seal.js';
import type { SealContext } from './seal-context.js';
import { wipe } from './wipe.js';

/** What wrapping needs: the key to protect, the key to wrap it under, and where it belongs. */
export interface WrapKeyOptions {
  /** The key that encrypts, e.g. the master key for an owner key. */
  wrappingKey: SecretKey;
  /** The key being protected, e.g. an owner key. */
  key: SecretKey;
  /** For example `{ purpose: 'owner-key', ownerId }`. */
  context: SealContext;
}

/**
 * Seals a key under another key, as bytes to store (see `seal` for the layout). The wrapped
 * form names the wrapping key's id in its header, so a store can tell which master key a
 * row still needs during a rotation.
 */
export function wrapKey(options: WrapKeyOptions): Buffer {
  return seal(options.wrappingKey, readKeyBytes(options.key), options.context);
}

/** What unwrapping needs: the wrapping key, the stored bytes and the same context. */
export interface UnwrapKeyOptions {
  wrappingKey: SecretKey;
  wrapped: Uint8Array;
  context: SealContext;
}

/** Opens a wrapped key. Throws `decryption_failed` on any mismatch or alteration. */
export function unwrapKey(options: UnwrapKeyOptions): SecretKey {
  const bytes = open(options.wrappingKey, options.wrapped, options.context);
  try {
    return SecretKey.fromBytes(bytes);
  } finally {
    wipe(bytes);
  }
}

/** What a master key rotation needs for one wrapped key. */
export interface RewrapKeyOptions {
  wrapped: Uint8Array;
  context: SealContext;
  oldWrappingKey: SecretKey;
  newWrappingKey: SecretKey;
}

/**
 * Re-wraps one wrapped key from the old master key to the new one; the wrapped key itself,
 * and so everything sealed under it, stays the same. A blob already under the new key is
 * checked and returned as it is, so a rotation that stopped half-way can simply run again.
 */
export function rewrapKey(options: RewrapKeyOptions): Buffer {
  const { wrapped, context, oldWrappingKey, newWrappingKey } = options;
  const isAlreadyRewrapped = readSealedHeader(wrapped).keyId === newWrappingKey.id;
  const key = unwrapKey({
    wrappingKey: isAlreadyRewrapped ? newWrappingKey : oldWrappingKey,
    wrapped,
    context,
  });

  try {
    if (isAlreadyRewrapped) return Buffer.from(wrapped);
    return wrapKey({ wrappingKey: newWrappingKey, key, context });
  } finally {
    key.destroy();
  }
}
