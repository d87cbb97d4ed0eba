import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { isEd25519PublicKey, publicKeyId, type SigningKeyPair } from './signing-key.js';

/**
 * What a signature vouches for. The purpose is part of the signed bytes, so a deletion
 * receipt's signature never verifies as an audit checkpoint's, nor the other way round.
 */
export const SIGNATURE_PURPOSES = {
  deletionReceipt: 'deletion-receipt',
  auditCheckpoint: 'audit-checkpoint',
} as const;

export type SignaturePurpose = (typeof SIGNATURE_PURPOSES)[keyof typeof SIGNATURE_PURPOSES];

/** A signed JSON payload as written to a file or a store row; itself plain JSON. */
export interface SignedPayload<Payload = unknown> {
  /** Format version of this envelope. */
  version: 1;
  purpose: SignaturePurpose;
  /** The signing public key's id (`publicKeyId`). */
  keyId: string;
  payload: Payload;
  /** Ed25519 signature over the signed bytes, base64url. */
  signature: string;
}

const SIGNED_LABEL = 'moat/signature/v1';

/** An Ed25519 signature is 64 bytes: 86 base64url characters without padding. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;

/**
 * Signs `payload` for one purpose. Signed bytes: the label, purpose and key id, each ended
 * by a newline, then the payload's canonical JSON, which refuses anything not plain JSON.
 */
export function signPayload<Payload>(options: SignOptions<Payload>): SignedPayload<Payload> {
  const { signingKey, purpose, payload } = options;
  const signature = createSignature(options);
  return { version: 1, purpose, keyId: signingKey.keyId, payload, signature };
}

/** What signing needs: the key pair, the purpose, and a plain JSON payload. */
export interface SignOptions<Payload = unknown> {
  signingKey: SigningKeyPair;
  purpose: SignaturePurpose;
  payload: Payload;
}

/**
 * The bare signature (base64url) over the same bytes as `signPayload`, for callers that
 * keep the payload, key id and signature in their own record layout.
 */
export function createSignature(options: SignOptions): string {
  const { signingKey, purpose, payload } = options;
  const bytes = signedBytes(purpose, signingKey.keyId, payload);
  return sign(null, bytes, signingKey.privateKey).toString('base64url');
}

/** What checking a bare signature needs; the key id is taken from the public key. */
export interface CheckSignatureOptions {
  publicKey: KeyObject;
  purpose: SignaturePurpose;
  payload: unknown;
  /** base64url, as `createSignature` wrote it. */
  signature: string;
}

/** Whether a bare signature from `createSignature` holds; false for anything malformed. */
export function checkSignature(options: CheckSignatureOptions): boolean {
  const { publicKey, purpose, payload, signature } = options;
  if (!isEd25519PublicKey(publicKey) || !SIGNATURE_PATTERN.test(signature)) return false;

  let bytes: Buffer;
  try {
    bytes = signedBytes(purpose, publicKeyId(publicKey), payload);
  } catch {
    return false;
  }
  return verify(null, bytes, publicKey, Buffer.from(signature, 'base64url'));
}

/** Why a signed payload did not verify; each names one thing to look at. */
export const SIGNATURE_PROBLEMS = {
  malformed: 'the document is not a signed Moat payload',
  wrongPurpose: 'the document was signed for another purpose',
  wrongKey: 'the document was signed by another key',
  badSignature: 'the signature does not match the payload',
} as const;

export type SignatureProblem = keyof typeof SIGNATURE_PROBLEMS;

export type SignatureCheck = { isValid: true } | { isValid: false; problem: SignatureProblem };

/**
 * Checks a signed payload read from anywhere (a file, a row) against a public key and the
 * purpose the reader expects. Never throws for a bad document; says which check failed.
 */
export function verifySignedPayload(options: {
  publicKey: KeyObject;
  purpose: SignaturePurpose;
  signed: unknown;
}): SignatureCheck {
  const { publicKey, purpose, signed } = options;
  if (!isSignedPayloadShape(signed)) return { isValid: false, problem: 'malformed' };
  if (!isEd25519PublicKey(publicKey)) return { isValid: false, problem: 'wrongKey' };
  if (signed.purpose !== purpose) return { isValid: false, problem: 'wrongPurpose' };
  if (signed.keyId !== publicKeyId(publicKey)) return { isValid: false, problem: 'wrongKey' };

  try {
    canonicalJson(signed.payload);
  } catch {
    return { isValid: false, problem: 'malformed' };
  }
  const isValid = checkSignature({
    publicKey,
    purpose,
    payload: signed.payload,
    signature: signed.signature,
  });
  return isValid ? { isValid } : { isValid, problem: 'badSignature' };
}

function signedBytes(purpose: string, keyId: string, payload: unknown): Buffer {
  const head = `${SIGNED_LABEL}\n${purpose}\n${keyId}\n`;
  return Buffer.from(head + canonicalJson(payload), 'utf8');
}

function isSignedPayloadShape(value: unknown): value is SignedPayload {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record['version'] === 1 &&
    typeof record['purpose'] === 'string' &&
    typeof record['keyId'] === 'string' &&
    'payload' in record &&
    typeof record['signature'] === 'string' &&
    SIGNATURE_PATTERN.test(record['signature'])
  );
}
