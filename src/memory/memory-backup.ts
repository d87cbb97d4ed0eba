import { open, seal, SEAL_PURPOSES, type SecretKey } from '../crypto/index.js';
import { MoatError } from '../errors/index.js';
import type { MoatStore } from '../store/index.js';
import {
  backupFileSchema,
  keyringSectionSchema,
  type BackupFile,
  type KeyringSection,
} from './backup-format.js';
import type { EpochKeyFile } from './epoch-key-file.js';

/** Makes a backup of every memory item and of the keyring, sealed under this epoch's key. */
export async function createBackup(
  store: MoatStore,
  epochKeys: EpochKeyFile,
  now: Date,
): Promise<BackupFile> {
  const exported = await store.memory.exportItems();
  const section: KeyringSection = {
    ownerKeys: (await store.keyring.listOwnerKeys()).map((key) => ({
      ownerId: key.ownerId,
      keyId: key.keyId,
      wrapped: key.wrapped.toString('base64'),
      createdAt: key.createdAt.toISOString(),
    })),
    itemKeys: (await store.keyring.listItemKeys()).map((key) => ({
      ownerId: key.ownerId,
      itemId: key.itemId,
      keyId: key.keyId,
      wrapped: key.wrapped.toString('base64'),
      createdAt: key.createdAt.toISOString(),
    })),
  };

  const { epoch, key } = epochKeys.currentKey(now.getTime());
  const sealed = seal(key, Buffer.from(JSON.stringify(section)), keyringContext(epoch));
  key.destroy();
  return {
    format: 'moat-backup',
    version: 1,
    createdAt: now.toISOString(),
    epoch,
    items: exported.map(({ record, tokens }) => ({
      id: record.id,
      ownerId: record.ownerId,
      kind: record.kind,
      dataClass: record.dataClass,
      createdAt: record.createdAt.toISOString(),
      expiresAt: record.expiresAt.toISOString(),
      sizeBytes: record.sizeBytes,
      keyId: record.keyId,
      content: record.content.toString('base64'),
      vector: record.vector?.toString('base64') ?? null,
      tokens,
    })),
    keyring: sealed.toString('base64'),
  };
}

/** Parses a backup file's JSON text; a file of another shape is refused by name only. */
export function parseBackup(text: string): BackupFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = backupFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new MoatError('invalid_request', { detail: 'The file is not a Moat backup.' });
  }
  return parsed.data;
}

/** The backup's keyring, while its epoch key exists; undefined after. */
export function openKeyringSection(
  backup: BackupFile,
  epochKeys: EpochKeyFile,
): KeyringSection | undefined {
  const key: SecretKey | undefined = epochKeys.keyFor(backup.epoch);
  if (key === undefined) return undefined;
  try {
    const opened = open(key, Buffer.from(backup.keyring, 'base64'), keyringContext(backup.epoch));
    return keyringSectionSchema.parse(JSON.parse(opened.toString('utf8')));
  } finally {
    key.destroy();
  }
}

function keyringContext(epoch: number) {
  return { purpose: SEAL_PURPOSES.keyringBackup, epoch };
}
