import type { KeyObject } from 'node:crypto';
import {
  checkSignature,
  createSignature,
  publicKeyId,
  SIGNATURE_PURPOSES,
  type SigningKeyPair,
} from '../crypto/index.js';
import {
  checkpointPayload,
  type CheckpointSigner,
  type CheckpointVerifier,
} from './audit-checkpoint.js';

/** Signs checkpoints with Moat's Ed25519 key, under the audit-checkpoint purpose. */
export function checkpointSigner(signingKey: SigningKeyPair): CheckpointSigner {
  return {
    keyId: signingKey.keyId,
    sign: (payload) =>
      createSignature({
        signingKey,
        purpose: SIGNATURE_PURPOSES.auditCheckpoint,
        payload: checkpointPayload(payload),
      }),
  };
}

/**
 * Verifies checkpoints against public keys only, so an auditor can check an export on
 * another machine. A checkpoint signed by a key not in the list does not verify.
 */
export function checkpointVerifier(publicKeys: readonly KeyObject[]): CheckpointVerifier {
  const byId = new Map(publicKeys.map((publicKey) => [publicKeyId(publicKey), publicKey]));
  return {
    verify: (checkpoint) => {
      const publicKey = byId.get(checkpoint.keyId);
      if (publicKey === undefined) return false;
      return checkSignature({
        publicKey,
        purpose: SIGNATURE_PURPOSES.auditCheckpoint,
        payload: checkpointPayload(checkpoint),
        signature: checkpoint.signature,
      });
    },
  };
}
