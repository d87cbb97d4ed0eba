import {
  SEAL_PURPOSES,
  SecretKey,
  rewrapKey,
  unwrapKey,
  wrapKey,
  type SealContext,
} from '../crypto/index.js';
import type { DestroyedOwnerKeys, KeyringStore } from '../store/index.js';

/**
 * Owner and item keys on top of the keyring store: the only place that wraps and unwraps
 * them. Keys handed out are the caller's to `destroy()` once used.
 */
export class MemoryKeyring {
  readonly #store: KeyringStore;
  readonly #masterKey: SecretKey;

  constructor(store: KeyringStore, masterKey: SecretKey) {
    this.#store = store;
    this.#masterKey = masterKey;
  }

  /** The owner's key, created on first use; undefined only when `isCreating` is false. */
  async ownerKey(ownerId: string, isCreating: boolean): Promise<SecretKey | undefined> {
    const stored = await this.#store.findOwnerKey(ownerId);
    if (stored !== undefined) {
      return unwrapKey({
        wrappingKey: this.#masterKey,
        wrapped: stored.wrapped,
        context: ownerContext(ownerId),
      });
    }
    if (!isCreating) return undefined;

    const key = SecretKey.generate();
    const wrapped = wrapKey({ wrappingKey: this.#masterKey, key, context: ownerContext(ownerId) });
    const record = { ownerId, keyId: key.id, wrapped, createdAt: new Date() };
    if (await this.#store.insertOwnerKey(record)) return key;

    // Another request created the owner's key first; use that one.
    key.destroy();
    return this.ownerKey(ownerId, false);
  }

  /** A new data key for an item, stored wrapped under the owner key before it is used. */
  async createItemKey(ownerKey: SecretKey, ids: ItemIds): Promise<SecretKey> {
    const key = SecretKey.generate();
    const wrapped = wrapKey({ wrappingKey: ownerKey, key, context: itemContext(ids) });
    await this.#store.insertItemKey({ ...ids, keyId: key.id, wrapped, createdAt: new Date() });
    return key;
  }

  /** The item's data key, or undefined when it (or its owner's key) was destroyed. */
  async itemKey(ownerKey: SecretKey, ids: ItemIds): Promise<SecretKey | undefined> {
    const stored = await this.#store.findItemKey(ids.itemId);
    if (stored?.ownerId !== ids.ownerId) return undefined;
    return unwrapKey({ wrappingKey: ownerKey, wrapped: stored.wrapped, context: itemContext(ids) });
  }

  /** Destroys one item's key; its id, or undefined when it was gone already. */
  async destroyItemKey(itemId: string): Promise<string | undefined> {
    return this.#store.destroyItemKey(itemId);
  }

  /** Destroys the owner's key and every item key of theirs. */
  async destroyOwner(ownerId: string): Promise<DestroyedOwnerKeys | undefined> {
    return this.#store.destroyOwner(ownerId);
  }

  /**
   * Re-wraps every owner key under `newMasterKey`; content and item keys are not touched.
   * Safe to run again after a stop half-way: keys already re-wrapped are left as they are.
   */
  async rewrapOwnerKeys(newMasterKey: SecretKey): Promise<number> {
    const owners = await this.#store.listOwnerKeys();
    for (const owner of owners) {
      const wrapped = rewrapKey({
        wrapped: owner.wrapped,
        context: ownerContext(owner.ownerId),
        oldWrappingKey: this.#masterKey,
        newWrappingKey: newMasterKey,
      });
      await this.#store.rewrapOwnerKey(owner.ownerId, wrapped);
    }
    return owners.length;
  }
}

export interface ItemIds {
  ownerId: string;
  itemId: string;
}

export function ownerContext(ownerId: string): SealContext {
  return { purpose: SEAL_PURPOSES.ownerKey, ownerId };
}

export function itemContext(ids: ItemIds): SealContext {
  return { purpose: SEAL_PURPOSES.itemKey, ownerId: ids.ownerId, itemId: ids.itemId };
}

export function contentContext(ids: ItemIds): SealContext {
  return { purpose: SEAL_PURPOSES.itemContent, ownerId: ids.ownerId, itemId: ids.itemId };
}
