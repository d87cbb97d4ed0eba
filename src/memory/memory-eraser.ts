import { unrecoverableAfterMs, type SigningKeyPair } from '../crypto/index.js';
import type { EpochKeyFile } from './epoch-key-file.js';
import type { MoatStore } from '../store/index.js';
import {
  signDeletionReceipt,
  type DeletionKind,
  type DeletionReceipt,
  type ReceiptFacts,
} from './deletion-receipt.js';
import type { MemoryAudit } from './memory-audit.js';
import type { MemoryKeyring } from './memory-keyring.js';

export interface MemoryEraserOptions {
  store: MoatStore;
  keyring: MemoryKeyring;
  signingKey: SigningKeyPair;
  /** The backup epochs: they decide when no keyring backup can yield a destroyed key. */
  epochKeys: EpochKeyFile;
  /** Where every shredding is accounted for. @default records nothing */
  audit?: MemoryAudit;
}

/**
 * Crypto-shredding. Keys go first: once a data key is destroyed the item is unreadable
 * everywhere, so a fault later in the deletion leaves nothing readable behind, only rows to
 * remove on the retry. A receipt is signed and kept only once every step has succeeded.
 */
export class MemoryEraser {
  readonly #options: MemoryEraserOptions;

  constructor(options: MemoryEraserOptions) {
    this.#options = options;
  }

  /** Shreds one item of the owner; undefined when the owner has no such item. */
  async deleteItem(
    ownerId: string,
    itemId: string,
    reason: { kind: DeletionKind; requestedBy: string },
  ): Promise<DeletionReceipt | undefined> {
    const { store, keyring } = this.#options;
    const record = await store.memory.find(ownerId, itemId);
    if (record === undefined) return undefined;

    // Recorded before anything is destroyed: if a later step fails, no restore may bring the
    // key back, and a retry finds the item and finishes the job.
    this.#markDestroyed([record.keyId]);
    await keyring.destroyItemKey(itemId);
    const destroyedAt = new Date();
    await store.memory.delete(ownerId, itemId);

    return this.#issue({
      ...reason,
      ownerId,
      itemIds: [itemId],
      keysDestroyed: [{ role: 'item', keyId: record.keyId }],
      destroyedAt,
    });
  }

  /** Shreds everything the owner has: their key, every item key, every item and token. */
  async eraseOwner(ownerId: string, requestedBy: string): Promise<DeletionReceipt> {
    const { store, keyring } = this.#options;
    const items = await store.memory.list(ownerId, Number.MAX_SAFE_INTEGER);
    const ownerKey = await store.keyring.findOwnerKey(ownerId);
    // With the owner key marked, no item key of theirs could be unwrapped after a restore.
    this.#markDestroyed([
      ...(ownerKey === undefined ? [] : [ownerKey.keyId]),
      ...items.map((i) => i.keyId),
    ]);
    const destroyed = await keyring.destroyOwner(ownerId);
    this.#markDestroyed(destroyed?.itemKeyIds ?? []);
    const destroyedAt = new Date();
    const deletedIds = await store.memory.deleteOwner(ownerId);

    const itemKeyIds = new Set([...(destroyed?.itemKeyIds ?? []), ...items.map((i) => i.keyId)]);
    // Named from what was there before: a retry after a failed erasure finds the key gone.
    const ownerKeyId = destroyed?.ownerKeyId ?? ownerKey?.keyId;
    const ownerKeys = ownerKeyId === undefined ? [] : [ownerKeyId];
    return this.#issue({
      kind: 'owner-erasure',
      requestedBy,
      ownerId,
      itemIds: [...new Set([...items.map((item) => item.id), ...deletedIds])],
      keysDestroyed: [
        ...ownerKeys.map((keyId) => ({ role: 'owner' as const, keyId })),
        ...[...itemKeyIds].sort().map((keyId) => ({ role: 'item' as const, keyId })),
      ],
      destroyedAt,
    });
  }

  /** The time a receipt issued now would promise; for tests and the backup verifier. */
  unrecoverableAfter(destroyedAt: Date): Date {
    return new Date(unrecoverableAfterMs(this.#options.epochKeys.schedule, destroyedAt.getTime()));
  }

  /** Keys noted as destroyed are refused by every restore, whatever a backup holds. */
  #markDestroyed(keyIds: readonly string[]): void {
    this.#options.epochKeys.recordDestroyed(keyIds, new Date());
  }

  async #issue(facts: Omit<ReceiptFacts, 'unrecoverableAfter'>): Promise<DeletionReceipt> {
    const receipt = signDeletionReceipt(this.#options.signingKey, {
      ...facts,
      unrecoverableAfter: this.unrecoverableAfter(facts.destroyedAt),
    });
    await this.#options.store.memory.insertReceipt({
      id: receipt.payload.receiptId,
      ownerId: facts.ownerId,
      createdAt: facts.destroyedAt,
      body: JSON.stringify(receipt),
    });
    await this.#options.audit?.shredded(receipt, facts.itemIds);
    return receipt;
  }
}
