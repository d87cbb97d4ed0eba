/** Why a checkpoint was written. */
export const CHECKPOINT_REASONS = ['interval', 'shutdown', 'export', 'command'] as const;
export type CheckpointReason = (typeof CHECKPOINT_REASONS)[number];

/** What a checkpoint's signature covers: the chain's head at one moment. */
export interface CheckpointPayload {
  /** The sequence number of the last entry covered. */
  seq: number;
  /** That entry's hash; through the chain it vouches for every entry before it. */
  hash: string;
  /** When the checkpoint was made, ISO 8601 in UTC. */
  time: string;
  reason: CheckpointReason;
}

/**
 * A signed statement of the chain's head. Truncating the log below a checkpoint, or
 * rewriting any entry it covers, no longer matches the signed hash.
 */
export interface AuditCheckpoint extends CheckpointPayload {
  /** Names the public key that verifies the signature. */
  keyId: string;
  /** Ed25519 over the payload, base64. */
  signature: string;
}

/** Signs checkpoints; Moat's own signing key sits behind it. */
export interface CheckpointSigner {
  readonly keyId: string;
  sign(payload: CheckpointPayload): string;
}

/** Checks a checkpoint's signature; given only public keys, so it works anywhere. */
export interface CheckpointVerifier {
  verify(checkpoint: AuditCheckpoint): boolean;
}

/** Signs the head of a chain. */
export function makeCheckpoint(
  signer: CheckpointSigner,
  payload: CheckpointPayload,
): AuditCheckpoint {
  return { ...payload, keyId: signer.keyId, signature: signer.sign(payload) };
}

/** The fields a signature covers, taken out of a stored checkpoint. */
export function checkpointPayload(checkpoint: CheckpointPayload): CheckpointPayload {
  const { seq, hash, time, reason } = checkpoint;
  return { seq, hash, time, reason };
}
