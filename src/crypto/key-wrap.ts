import { MoatError } from '../errors/index.js';
import { SecretKey, readKeyBytes } from './secret-key.js';
import { openAnyPurpose, readSealedHeader, sealAnyPurpose } from './seal.js';
import { requirePurposeKind, type SealContext } from './seal-context.js';
import { wipe } from './wipe.js';

/** What wrapping needs: the key to protect, the key to wrap it under, and where it belongs. */
export interface WrapKeyOptions {
  /** The key that encrypts, e.g. the master key for an owner key. */
  wrappingKey: SecretKey;
  /** The key being protected, e.g. an owner key. */
  key: SecretKey;
  /** A key purpose and its bindings, e.g. `{ purpose: 'owner-key', ownerId }`. */
  context: SealContext;
}

/**
 * Seals a key under another key, as bytes to store (see `seal` for the layout). The wrapped
 * form names the wrapping key's id in its header, so a store can tell which master key a
 * row still needs during a rotation.
 */
export function wrapKey(options: WrapKeyOptions): Buffer {
  const { wrappingKey, key, context } = options;
  if (wrappingKey.id === key.id) {
    throw new MoatError('internal_error', { detail: 'A key cannot be wrapped under itself.' });
  }
  return wrapKeyMaterial({ wrappingKey, material: readKeyBytes(key), context });
}

/** What unwrapping needs: the wrapping key, the stored bytes and the same context. */
export interface UnwrapKeyOptions {
  wrappingKey: SecretKey;
  wrapped: Uint8Array;
  context: SealContext;
}

/** Opens a wrapped key. Throws `decryption_failed` on any mismatch or alteration. */
export function unwrapKey(options: UnwrapKeyOptions): SecretKey {
  const bytes = unwrapKeyMaterial(options);
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
 * Re-wraps one wrapped key (any key purpose, the signing key's too) from the old master
 * key to the new one; the wrapped key itself, and everything sealed under it, stays the
 * same. A blob already under the new key is checked and returned as it is, so a rotation
 * that stopped half-way can simply run again.
 */
export function rewrapKey(options: RewrapKeyOptions): Buffer {
  const { wrapped, context, oldWrappingKey, newWrappingKey } = options;
  const isAlreadyRewrapped = readSealedHeader(wrapped).keyId === newWrappingKey.id;
  const wrappingKey = isAlreadyRewrapped ? newWrappingKey : oldWrappingKey;
  const material = unwrapKeyMaterial({ wrappingKey, wrapped, context });

  try {
    if (isAlreadyRewrapped) return Buffer.from(wrapped);
    return wrapKeyMaterial({ wrappingKey: newWrappingKey, material, context });
  } finally {
    wipe(material);
  }
}

/** Seals key bytes of any form (a raw key, a PKCS#8 private key) under a key purpose. */
export function wrapKeyMaterial(options: {
  wrappingKey: SecretKey;
  material: Uint8Array;
  context: SealContext;
}): Buffer {
  requirePurposeKind(options.context, true);
  return sealAnyPurpose(options.wrappingKey, options.material, options.context);
}

/** Opens what `wrapKeyMaterial` sealed; the caller wipes the result. */
export function unwrapKeyMaterial(options: UnwrapKeyOptions): Buffer {
  requirePurposeKind(options.context, true);
  return openAnyPurpose(options.wrappingKey, options.wrapped, options.context);
}
