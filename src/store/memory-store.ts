/** What a memory item is: a saved exchange, or a saved document. */
export const MEMORY_KINDS = ['chat', 'document'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/** An item's metadata: everything about it an administrator may see. */
export interface MemoryItemMetadata {
  id: string;
  ownerId: string;
  kind: MemoryKind;
  dataClass: string;
  createdAt: Date;
  expiresAt: Date;
  /** Bytes of sealed content, not of plaintext. */
  sizeBytes: number;
  /** Id of the item's data key. */
  keyId: string;
}

/** A whole item: metadata plus sealed content and, when it has one, a sealed embedding. */
export interface MemoryItemRecord extends MemoryItemMetadata {
  content: Buffer;
  vector: Buffer | null;
}

/** A signed deletion receipt as kept: JSON text, plus what it can be found by. */
export interface ReceiptRecord {
  id: string;
  ownerId: string;
  createdAt: Date;
  /** The signed receipt, JSON. Holds hashed ids and key ids, never content. */
  body: string;
}

/** Counts for one owner, for administrators. */
export interface OwnerSummary {
  ownerId: string;
  itemCount: number;
  sizeBytes: number;
  oldestCreatedAt: Date;
}

/**
 * Saved memory items: sealed content only, plus each item's blind-index tokens (keyed
 * HMACs, see docs/memory.md). Every read takes the owner, so one owner's query can never
 * return another's item.
 */
export interface MemoryStore {
  /** Writes the item and its tokens in one transaction. */
  insert(record: MemoryItemRecord, tokens: readonly string[]): Promise<void>;
  find(ownerId: string, id: string): Promise<MemoryItemRecord | undefined>;
  /** Newest first; `limit` at most. */
  list(ownerId: string, limit: number): Promise<MemoryItemMetadata[]>;
  /** Items of the owner that hold any of `tokens`, with how many they hold, most first. */
  matchTokens(
    ownerId: string,
    tokens: readonly string[],
    limit: number,
  ): Promise<{ id: string; hits: number }[]>;
  /** The owner's items with a sealed embedding, newest first, `limit` at most. */
  listWithVectors(ownerId: string, limit: number): Promise<MemoryItemRecord[]>;
  /** Deletes the item and its tokens; false when the owner has no such item. */
  delete(ownerId: string, id: string): Promise<boolean>;
  /** Deletes every item and token of the owner; returns the ids deleted. */
  deleteOwner(ownerId: string): Promise<string[]>;
  /** Items past their expiry at `now`, oldest expiry first. */
  listExpired(now: Date, limit: number): Promise<MemoryItemMetadata[]>;
  /** How many items are past expiry, and the oldest expiry among them. */
  overdue(now: Date): Promise<{ count: number; oldestExpiresAt: Date | undefined }>;
  /** Per-owner counts, for administrators. */
  ownerSummaries(): Promise<OwnerSummary[]>;
  /** Whether any item exists with this id, whoever owns it. */
  exists(id: string): Promise<boolean>;

  insertReceipt(record: ReceiptRecord): Promise<void>;
  findReceipt(id: string): Promise<ReceiptRecord | undefined>;
  /** The owner's receipts, newest first; they outlive the items and keys they name. */
  listReceipts(ownerId: string, limit: number): Promise<ReceiptRecord[]>;

  /** Every item with its tokens, for backups. */
  exportItems(): Promise<{ record: MemoryItemRecord; tokens: string[] }[]>;
}
