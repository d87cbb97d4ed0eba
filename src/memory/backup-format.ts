import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const itemSchema = z.strictObject({
  id: z.string().min(1).max(64),
  ownerId: z.string().min(1).max(160),
  kind: z.enum(['chat', 'document']),
  dataClass: z.string().min(1).max(32),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  sizeBytes: z.number().int().min(0),
  keyId: z.string().max(64),
  content: base64,
  vector: base64.nullable(),
  tokens: z.array(z.string().max(64)),
});

/**
 * A backup file. `items` hold sealed content, keyed tokens and metadata only. `keyring` is
 * the keyring (owner keys wrapped under the master key, item keys wrapped under owner keys)
 * sealed once more under the key of the backup's epoch, which lives outside the store and is
 * destroyed when the epoch's window passes.
 */
export const backupFileSchema = z.strictObject({
  format: z.literal('moat-backup'),
  version: z.literal(1),
  createdAt: z.iso.datetime(),
  epoch: z.number().int().min(0),
  items: z.array(itemSchema),
  keyring: base64,
});

export type BackupFile = z.infer<typeof backupFileSchema>;
export type BackupItem = z.infer<typeof itemSchema>;

const wrappedKeySchema = z.strictObject({
  keyId: z.string().max(64),
  wrapped: base64,
  createdAt: z.iso.datetime(),
});

/** What the sealed keyring section holds once opened. */
export const keyringSectionSchema = z.strictObject({
  ownerKeys: z.array(wrappedKeySchema.extend({ ownerId: z.string() })),
  itemKeys: z.array(wrappedKeySchema.extend({ ownerId: z.string(), itemId: z.string() })),
});

export type KeyringSection = z.infer<typeof keyringSectionSchema>;
