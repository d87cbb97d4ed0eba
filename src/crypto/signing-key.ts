import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { inspect } from 'node:util';
import { MoatError } from '../errors/index.js';
import { unwrapKeyMaterial, wrapKeyMaterial } from './key-wrap.js';
import { SEAL_PURPOSES } from './seal-context.js';
import type { SecretKey } from './secret-key.js';
import { wipe } from './wipe.js';

/** Bytes of a public key id: the same length as a secret key's id. */
const PUBLIC_KEY_ID_BYTES = 8;

/**
 * An Ed25519 key pair for receipts and audit checkpoints. The private half lives in a
 * KeyObject (OpenSSL memory, never a JavaScript string) and is only ever written out
 * wrapped under the master key.
 */
export interface SigningKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Short id of the public key, safe to show (see `publicKeyId`). */
  readonly keyId: string;
}

/** A fresh Ed25519 key pair. */
export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return describePair(privateKey, publicKey);
}

/**
 * The private key sealed under the master key, as bytes for the caller to store. The key
 * id is bound into the seal, so a stored blob cannot be swapped for another pair's.
 */
export function wrapSigningKey(masterKey: SecretKey, pair: SigningKeyPair): Buffer {
  const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    return wrapKeyMaterial({
      wrappingKey: masterKey,
      material: der,
      context: signingKeyContext(pair.keyId),
    });
  } finally {
    wipe(der);
  }
}

/** Opens what `wrapSigningKey` stored, given the pair's key id kept beside it. */
export function unwrapSigningKey(
  masterKey: SecretKey,
  wrapped: Uint8Array,
  keyId: string,
): SigningKeyPair {
  const der = unwrapKeyMaterial({
    wrappingKey: masterKey,
    wrapped,
    context: signingKeyContext(keyId),
  });
  try {
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return describePair(privateKey, createPublicKey(privateKey));
  } finally {
    wipe(der);
  }
}

/** The public key as SPKI PEM, to publish beside receipts and audit exports. */
export function exportPublicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

/** Reads a PEM public key, refusing anything but Ed25519. */
export function importPublicKeyPem(pem: string): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new MoatError('invalid_public_key', { cause: error });
  }
  if (!isEd25519PublicKey(publicKey)) throw new MoatError('invalid_public_key');
  return publicKey;
}

/** Whether a key object is an Ed25519 public key, the only kind Moat verifies with. */
export function isEd25519PublicKey(key: KeyObject): boolean {
  return key.type === 'public' && key.asymmetricKeyType === 'ed25519';
}

/** Key ids already worked out; every verification needs one, and the export is not free. */
const idsByPublicKey = new WeakMap<KeyObject, string>();

/** The first 8 bytes of SHA-256 over the raw 32-byte public key, in hex. */
export function publicKeyId(publicKey: KeyObject): string {
  const known = idsByPublicKey.get(publicKey);
  if (known !== undefined) return known;
  if (!isEd25519PublicKey(publicKey)) throw new MoatError('invalid_public_key');

  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const raw = spki.subarray(spki.length - 32);
  const digest = createHash('sha256').update(raw).digest();
  const keyId = digest.subarray(0, PUBLIC_KEY_ID_BYTES).toString('hex');
  idsByPublicKey.set(publicKey, keyId);
  return keyId;
}

function describePair(privateKey: KeyObject, publicKey: KeyObject): SigningKeyPair {
  const keyId = publicKeyId(publicKey);
  return {
    privateKey,
    publicKey,
    keyId,
    [inspect.custom]: () => `SigningKeyPair(${keyId})`,
    toJSON: () => ({ keyId }),
  } as SigningKeyPair;
}

/**
 * The seal context of a wrapped signing key, for `rewrapKey` during a master key rotation.
 */
export function signingKeyContext(keyId: string): { purpose: 'signing-key'; keyId: string } {
  return { purpose: SEAL_PURPOSES.signingKey, keyId };
}
