import {
  exportPublicKeyPem,
  generateSigningKeyPair,
  importPublicKeyPem,
  readSealedHeader,
  unwrapSigningKey,
  wrapSigningKey,
  type SecretKey,
  type SigningKeyPair,
} from '../crypto/index.js';
import type { KeyObject } from 'node:crypto';
import type { KeyringStore } from '../store/index.js';

/**
 * Moat's Ed25519 key for receipts (and audit checkpoints), created on first use and kept in
 * the keyring wrapped under the master key. Two processes starting at once end up with the
 * same key: the store keeps only the first one written.
 */
export async function openSigningKey(
  keyring: KeyringStore,
  masterKey: SecretKey,
): Promise<SigningKeyPair> {
  const stored = await keyring.findSigningKey();
  if (stored !== undefined) return unwrapSigningKey(masterKey, stored.wrapped, stored.keyId);

  const pair = generateSigningKeyPair();
  const isStored = await keyring.insertSigningKey({
    keyId: pair.keyId,
    wrapped: wrapSigningKey(masterKey, pair),
    publicKeyPem: exportPublicKeyPem(pair.publicKey),
    createdAt: new Date(),
  });
  return isStored ? pair : openSigningKey(keyring, masterKey);
}

/** The public half as stored; reading it needs no master key. */
export async function readPublicKey(keyring: KeyringStore): Promise<KeyObject | undefined> {
  const stored = await keyring.findSigningKey();
  return stored === undefined ? undefined : importPublicKeyPem(stored.publicKeyPem);
}

/** Re-wraps the signing key under a new master key (master key rotation). */
export async function rewrapSigningKey(
  keyring: KeyringStore,
  keys: { oldMasterKey: SecretKey; newMasterKey: SecretKey },
): Promise<void> {
  const stored = await keyring.findSigningKey();
  if (stored === undefined) return;
  // Already under the new key: a rotation that stopped half-way is being run again.
  if (readSealedHeader(stored.wrapped).keyId === keys.newMasterKey.id) return;
  const pair = unwrapSigningKey(keys.oldMasterKey, stored.wrapped, stored.keyId);
  await keyring.rewrapSigningKey(stored.keyId, wrapSigningKey(keys.newMasterKey, pair));
}
