import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  signPayload,
  SIGNATURE_PURPOSES,
  verifySignedPayload,
  type SignatureCheck,
  type SignedPayload,
  type SigningKeyPair,
} from '../crypto/index.js';

/** Why something was destroyed. */
export const DELETION_KINDS = [
  'item-deletion',
  'owner-erasure',
  'retention-expiry',
  'capture-shred',
] as const;
export type DeletionKind = (typeof DELETION_KINDS)[number];

/** What a receipt vouches for. It names ids by hash and keys by id; it never holds content. */
export interface DeletionReceiptPayload {
  receiptId: string;
  kind: DeletionKind;
  /**
   * Who asked: `key:<id>` or `user:<id>`, `operator:<account>` (the CLI), `retention-sweeper`,
   * or `break-glass` for a grant's captures at the end of their retention.
   */
  requestedBy: string;
  /** The owner whose items were destroyed; for captures, `break-glass-grant:<id>`. */
  ownerId: string;
  items: {
    count: number;
    /** SHA-256 of each item id, hex, sorted. */
    hashedIds: string[];
  };
  /** Ids of the keys destroyed: the owner key (on erasure), item data keys, a capture key. */
  keysDestroyed: { role: KeyRole; keyId: string }[];
  /** ISO-8601: when the keys were destroyed. */
  destroyedAt: string;
  /**
   * ISO-8601: from then on no replica or backup can yield the plaintext, because the
   * backup epoch keys that could still open a keyring backup holding these keys are gone.
   */
  unrecoverableAfter: string;
}

export type DeletionReceipt = SignedPayload<DeletionReceiptPayload>;

/** What a destroyed key protected. */
export const KEY_ROLES = ['owner', 'item', 'capture'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

/** The hash a receipt names an item by. */
export function hashItemId(itemId: string): string {
  return createHash('sha256').update(itemId, 'utf8').digest('hex');
}

/** What a receipt is made from. */
export interface ReceiptFacts {
  kind: DeletionKind;
  requestedBy: string;
  ownerId: string;
  itemIds: readonly string[];
  keysDestroyed: DeletionReceiptPayload['keysDestroyed'];
  destroyedAt: Date;
  unrecoverableAfter: Date;
}

/** Builds and signs a receipt. */
export function signDeletionReceipt(
  signingKey: SigningKeyPair,
  facts: ReceiptFacts,
): DeletionReceipt {
  const payload: DeletionReceiptPayload = {
    receiptId: `rcpt_${randomUUID()}`,
    kind: facts.kind,
    requestedBy: facts.requestedBy,
    ownerId: facts.ownerId,
    items: { count: facts.itemIds.length, hashedIds: facts.itemIds.map(hashItemId).sort() },
    keysDestroyed: facts.keysDestroyed,
    destroyedAt: facts.destroyedAt.toISOString(),
    unrecoverableAfter: facts.unrecoverableAfter.toISOString(),
  };
  return signPayload({ signingKey, purpose: SIGNATURE_PURPOSES.deletionReceipt, payload });
}

const receiptSchema = z.object({
  version: z.literal(1),
  purpose: z.literal(SIGNATURE_PURPOSES.deletionReceipt),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  payload: z.strictObject({
    receiptId: z.string().max(64),
    kind: z.enum(DELETION_KINDS),
    requestedBy: z.string().max(160),
    ownerId: z.string().max(160),
    items: z.strictObject({
      count: z.number().int().min(0),
      hashedIds: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
    }),
    keysDestroyed: z.array(z.strictObject({ role: z.enum(KEY_ROLES), keyId: z.string().max(64) })),
    destroyedAt: z.iso.datetime(),
    unrecoverableAfter: z.iso.datetime(),
  }),
  signature: z.string().max(200),
});

/** Parses a receipt read from a file; undefined when it does not have a receipt's shape. */
export function parseDeletionReceipt(json: unknown): DeletionReceipt | undefined {
  const parsed = receiptSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Checks a receipt's signature against Moat's public key. */
export function verifyDeletionReceipt(
  receipt: DeletionReceipt,
  publicKey: KeyObject,
): SignatureCheck {
  return verifySignedPayload({
    publicKey,
    purpose: SIGNATURE_PURPOSES.deletionReceipt,
    signed: receipt,
  });
}
