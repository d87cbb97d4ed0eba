import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MoatError } from '../errors/index.js';
import { KEY_ID_BYTES, readKeyBytes, type SecretKey } from './secret-key.js';
import { encodeSealContext, requirePurposeKind, type SealContext } from './seal-context.js';
import { wipe } from './wipe.js';

/**
 * Layout of a sealed blob, version 1 (all offsets in bytes):
 *
 * | offset | length | field                                             |
 * | ------ | ------ | ------------------------------------------------- |
 * | 0      | 1      | format version, `0x01`                            |
 * | 1      | 8      | id of the key that sealed it (see `SecretKey.id`) |
 * | 9      | 12     | nonce, fresh from the random source for each seal |
 * | 21     | n      | AES-256-GCM ciphertext                            |
 * | 21 + n | 16     | GCM tag                                           |
 *
 * The header (the first 21 bytes) and the encoded context form the authenticated data, so
 * neither can be changed without the tag failing.
 */
export const SEALED_FORMAT_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;

/** Bytes a seal adds to its plaintext. */
export const SEAL_OVERHEAD_BYTES = HEADER_BYTES + TAG_BYTES;

/**
 * Encrypts and authenticates `plaintext` under `key`, bound to `context`. For data only:
 * key purposes are refused here (see `wrapKey`).
 *
 * Nonces are random, so one key should seal at most 2^32 blobs (NIST SP 800-38D); every
 * key in Moat seals far fewer, since each item has its own.
 */
export function seal(key: SecretKey, plaintext: Uint8Array, context: SealContext): Buffer {
  requirePurposeKind(context, false);
  return sealAnyPurpose(key, plaintext, context);
}

/**
 * Decrypts a blob made by `seal`, checking that it is whole, unaltered, sealed by `key` and
 * bound to the same `context`. Any failure throws `decryption_failed`; the plaintext is
 * never returned in part. The caller owns the result and should wipe it when done.
 */
export function open(key: SecretKey, sealed: Uint8Array, context: SealContext): Buffer {
  requirePurposeKind(context, false);
  return openAnyPurpose(key, sealed, context);
}

/** `seal` without the purpose check, for this folder's key wrapping (not exported). */
export function sealAnyPurpose(
  key: SecretKey,
  plaintext: Uint8Array,
  context: SealContext,
): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(SEALED_FORMAT_VERSION, 0);
  header.write(key.id, 1, KEY_ID_BYTES, 'hex');
  randomBytes(NONCE_BYTES).copy(header, 1 + KEY_ID_BYTES);

  const cipher = createCipheriv('aes-256-gcm', readKeyBytes(key), nonceOf(header));
  cipher.setAAD(Buffer.concat([header, encodeSealContext(context)]));
  const body = cipher.update(plaintext);
  const last = cipher.final();
  return Buffer.concat([header, body, last, cipher.getAuthTag()]);
}

/** `open` without the purpose check, for this folder's key wrapping (not exported). */
export function openAnyPurpose(key: SecretKey, sealed: Uint8Array, context: SealContext): Buffer {
  const header = readHeader(sealed);
  if (header.keyId !== key.id) fail('it was sealed under another key');

  const blob = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', readKeyBytes(key), nonceOf(blob));
  decipher.setAAD(Buffer.concat([blob.subarray(0, HEADER_BYTES), encodeSealContext(context)]));
  decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
  const body = decipher.update(blob.subarray(HEADER_BYTES, blob.length - TAG_BYTES));
  try {
    decipher.final();
  } catch {
    wipe(body);
    fail('it was altered, or belongs to another context');
  }
  return body;
}

/** What the header of a sealed blob says, without any key: its version and sealing key. */
export interface SealedHeader {
  version: number;
  /** The id of the key it was sealed under. */
  keyId: string;
}

/** Reads a sealed blob's header, refusing blobs too short or of an unknown version. */
export function readSealedHeader(sealed: Uint8Array): SealedHeader {
  return readHeader(sealed);
}

function readHeader(sealed: Uint8Array): SealedHeader {
  if (sealed.length < SEAL_OVERHEAD_BYTES) fail('it is shorter than any sealed blob');
  const version = sealed[0] ?? 0;
  if (version !== SEALED_FORMAT_VERSION) fail(`its format version ${version} is unknown`);
  const keyId = Buffer.from(sealed.subarray(1, 1 + KEY_ID_BYTES)).toString('hex');
  return { version, keyId };
}

function nonceOf(blob: Buffer): Buffer {
  return blob.subarray(1 + KEY_ID_BYTES, HEADER_BYTES);
}

function fail(reason: string): never {
  throw new MoatError('decryption_failed', {
    detail: `Stored data could not be opened: ${reason}.`,
  });
}
