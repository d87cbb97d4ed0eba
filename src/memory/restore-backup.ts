import { readSealedHeader, type SecretKey } from '../crypto/index.js';
import type { MoatStore } from '../store/index.js';
import type { BackupFile } from './backup-format.js';
import type { EpochKeyFile } from './epoch-key-file.js';
import { openKeyringSection } from './memory-backup.js';

/** What a restore did. */
export interface RestoreResult {
  itemsRestored: number;
  itemsPresent: number;
  ownerKeysRestored: number;
  itemKeysRestored: number;
  /** Keys the backup held that were destroyed since; they stay destroyed. */
  keysRefused: number;
  /** Items whose keys were destroyed since the backup; they are not restored. */
  itemsRefused: number;
  /**
   * Owner keys wrapped under a master key other than the current one (the backup is older
   * than a rotation). They are not restored: nothing could unwrap them. Restoring with the
   * old master key and rotating afterwards brings their items back.
   */
  ownerKeysUnderOtherMasterKey: number;
  /** False when the backup's epoch key is gone: its keyring can no longer be opened. */
  isKeyringOpened: boolean;
}

/**
 * Restores a backup into `store`, adding what is missing and leaving what is there. Keys
 * destroyed since the backup was made are never brought back, so an erased owner stays
 * erased; content whose keys are gone is restored as the ciphertext it is, unreadable.
 */
export async function restoreBackup(
  store: MoatStore,
  backup: BackupFile,
  keys: { epochKeys: EpochKeyFile; masterKey: SecretKey },
): Promise<RestoreResult> {
  const { epochKeys, masterKey } = keys;
  const section = openKeyringSection(backup, epochKeys);
  const result: RestoreResult = {
    itemsRestored: 0,
    itemsPresent: 0,
    ownerKeysRestored: 0,
    itemKeysRestored: 0,
    keysRefused: 0,
    itemsRefused: 0,
    ownerKeysUnderOtherMasterKey: 0,
    isKeyringOpened: section !== undefined,
  };

  const destroyed = epochKeys.destroyedKeyIds();
  const refusedOwners = new Set<string>();
  for (const key of section?.ownerKeys ?? []) {
    if (destroyed.has(key.keyId)) {
      refusedOwners.add(key.ownerId);
      result.keysRefused += 1;
      continue;
    }
    const record = {
      ...key,
      wrapped: Buffer.from(key.wrapped, 'base64'),
      createdAt: new Date(key.createdAt),
    };
    if (readSealedHeader(record.wrapped).keyId !== masterKey.id) {
      // The live store may hold this owner's key already, re-wrapped by the rotation.
      const isLive = (await store.keyring.findOwnerKey(key.ownerId))?.keyId === key.keyId;
      if (!isLive) result.ownerKeysUnderOtherMasterKey += 1;
      continue;
    }
    if (await store.keyring.insertOwnerKey(record)) result.ownerKeysRestored += 1;
  }
  for (const key of section?.itemKeys ?? []) {
    if (refusedOwners.has(key.ownerId) || destroyed.has(key.keyId)) {
      result.keysRefused += 1;
      continue;
    }
    if ((await store.keyring.findItemKey(key.itemId)) !== undefined) continue;
    const record = {
      ...key,
      wrapped: Buffer.from(key.wrapped, 'base64'),
      createdAt: new Date(key.createdAt),
    };
    await store.keyring.insertItemKey(record);
    result.itemKeysRestored += 1;
  }

  for (const item of backup.items) {
    // An item whose key was destroyed is gone for good: bringing its ciphertext back would
    // show it in listings and counts again, though nothing could open it.
    if (refusedOwners.has(item.ownerId) || destroyed.has(item.keyId)) {
      result.itemsRefused += 1;
      continue;
    }
    if (await store.memory.exists(item.id)) {
      result.itemsPresent += 1;
      continue;
    }
    const { tokens, ...fields } = item;
    await store.memory.insert(
      {
        ...fields,
        createdAt: new Date(item.createdAt),
        expiresAt: new Date(item.expiresAt),
        content: Buffer.from(item.content, 'base64'),
        vector: item.vector === null ? null : Buffer.from(item.vector, 'base64'),
      },
      tokens,
    );
    result.itemsRestored += 1;
  }
  return result;
}
