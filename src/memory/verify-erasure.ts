import { open, unwrapKey, type SecretKey } from '../crypto/index.js';
import type { MoatStore } from '../store/index.js';
import type { BackupFile, BackupItem, KeyringSection } from './backup-format.js';
import { hashItemId, type DeletionReceipt } from './deletion-receipt.js';
import type { EpochKeyFile } from './epoch-key-file.js';
import { openKeyringSection } from './memory-backup.js';
import { contentContext, itemContext, MemoryKeyring, ownerContext } from './memory-keyring.js';

/** The finding for one item of a receipt that the backup holds. */
export interface ItemErasure {
  hashedId: string;
  /** Whether any key in the live keyring opens it. */
  isOpenedByLiveKeys: boolean;
  /** Whether the backup's own keyring (its epoch key still existing) opens it. */
  isOpenedByBackupKeyring: boolean;
  /** ISO-8601: when the backup's epoch key is destroyed; after that only the live keys count. */
  backupKeyringUntil: string | undefined;
}

export interface ErasureReport {
  /** Items the receipt names that the backup holds. */
  items: ItemErasure[];
  /** Items the receipt names that are not in this backup at all. */
  notInBackup: number;
  /** True when no key still in existence opens any item of the receipt in this backup. */
  isErased: boolean;
}

/**
 * Shows on a real backup that the items a receipt names cannot be decrypted: it tries
 * every key still in existence, the live keyring's and, while its epoch key lives, the
 * backup's own keyring, and reports which (if any) still opens each item.
 */
export async function verifyErasure(options: {
  store: MoatStore;
  masterKey: SecretKey;
  epochKeys: EpochKeyFile;
  backup: BackupFile;
  receipt: DeletionReceipt;
}): Promise<ErasureReport> {
  const { backup, receipt, epochKeys } = options;
  const wanted = new Set(receipt.payload.items.hashedIds);
  const held = backup.items.filter((item) => wanted.has(hashItemId(item.id)));
  const section = openKeyringSection(backup, epochKeys);
  const liveKeyring = new MemoryKeyring(options.store.keyring, options.masterKey);
  const until = section === undefined ? undefined : new Date(epochKeys.destroyAtMs(backup.epoch));

  const items: ItemErasure[] = [];
  for (const item of held) {
    items.push({
      hashedId: hashItemId(item.id),
      isOpenedByLiveKeys: await opensWithLiveKeys(liveKeyring, item),
      isOpenedByBackupKeyring: opensWithSection(section, item, options.masterKey),
      backupKeyringUntil: until?.toISOString(),
    });
  }
  const isErased = items.every((item) => !item.isOpenedByLiveKeys && !item.isOpenedByBackupKeyring);
  return { items, notInBackup: wanted.size - items.length, isErased };
}

async function opensWithLiveKeys(keyring: MemoryKeyring, item: BackupItem): Promise<boolean> {
  const ids = { ownerId: item.ownerId, itemId: item.id };
  const ownerKey = await keyring.ownerKey(item.ownerId, false);
  if (ownerKey === undefined) return false;
  const itemKey = await keyring.itemKey(ownerKey, ids).catch(() => undefined);
  ownerKey.destroy();
  return itemKey === undefined ? false : opens(itemKey, item);
}

function opensWithSection(
  section: KeyringSection | undefined,
  item: BackupItem,
  masterKey: SecretKey,
): boolean {
  const owner = section?.ownerKeys.find((key) => key.ownerId === item.ownerId);
  const wrappedItemKey = section?.itemKeys.find((key) => key.itemId === item.id);
  if (owner === undefined || wrappedItemKey === undefined) return false;

  const ids = { ownerId: item.ownerId, itemId: item.id };
  try {
    const ownerKey = unwrapKey({
      wrappingKey: masterKey,
      wrapped: Buffer.from(owner.wrapped, 'base64'),
      context: ownerContext(item.ownerId),
    });
    const itemKey = unwrapKey({
      wrappingKey: ownerKey,
      wrapped: Buffer.from(wrappedItemKey.wrapped, 'base64'),
      context: itemContext(ids),
    });
    ownerKey.destroy();
    return opens(itemKey, item);
  } catch {
    return false;
  }
}

/** Whether the key opens the item's sealed content; the plaintext is wiped at once. */
function opens(itemKey: SecretKey, item: BackupItem): boolean {
  try {
    open(
      itemKey,
      Buffer.from(item.content, 'base64'),
      contentContext({ ownerId: item.ownerId, itemId: item.id }),
    ).fill(0);
    return true;
  } catch {
    return false;
  } finally {
    itemKey.destroy();
  }
}
