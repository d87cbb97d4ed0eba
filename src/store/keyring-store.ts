/** A key as the keyring holds it: sealed under the key above it, never in the clear. */
export interface WrappedKey {
  /** The key's own id (safe to show); receipts name destroyed keys by it. */
  keyId: string;
  /** The key sealed under the key above it (`src/crypto` seal format). */
  wrapped: Buffer;
  createdAt: Date;
}

/** An owner's key-encryption key, wrapped under the master key. */
export interface OwnerKeyRecord extends WrappedKey {
  ownerId: string;
}

/** An item's data key, wrapped under its owner's key. */
export interface ItemKeyRecord extends WrappedKey {
  itemId: string;
  ownerId: string;
}

/** The receipt signing key's private half, wrapped under the master key. */
export interface SigningKeyRecord extends WrappedKey {
  /** SPKI PEM of the public half. */
  publicKeyPem: string;
}

/** What destroying an owner took with it. */
export interface DestroyedOwnerKeys {
  ownerKeyId: string;
  itemKeyIds: string[];
}

/**
 * The keyring: every key Moat holds, wrapped. It is a part of its own, apart from the
 * content it protects, so that destroying a row here is what makes content unreadable.
 * Deleted rows are overwritten by the backend (SQLite `secure_delete`; see docs/memory.md
 * for PostgreSQL).
 */
export interface KeyringStore {
  findOwnerKey(ownerId: string): Promise<OwnerKeyRecord | undefined>;
  /** Adds an owner key; false when the owner has one already (another request won). */
  insertOwnerKey(record: OwnerKeyRecord): Promise<boolean>;
  /** Every owner key, for master key rotation and keyring backups. */
  listOwnerKeys(): Promise<OwnerKeyRecord[]>;
  /** Replaces an owner key's wrapping (rotation); the key id stays the same. */
  rewrapOwnerKey(ownerId: string, wrapped: Buffer): Promise<void>;
  /** Destroys the owner's key and every item key of theirs; undefined when none existed. */
  destroyOwner(ownerId: string): Promise<DestroyedOwnerKeys | undefined>;

  insertItemKey(record: ItemKeyRecord): Promise<void>;
  findItemKey(itemId: string): Promise<ItemKeyRecord | undefined>;
  /** Every item key, for keyring backups. */
  listItemKeys(): Promise<ItemKeyRecord[]>;
  /** Destroys one item key; returns its id, or undefined when it was already gone. */
  destroyItemKey(itemId: string): Promise<string | undefined>;
  /** Item keys whose item was never written (a crash mid-save), older than `before`. */
  listItemKeysWithoutItem(before: Date): Promise<ItemKeyRecord[]>;

  findSigningKey(): Promise<SigningKeyRecord | undefined>;
  /** Adds the signing key; false when one exists already. */
  insertSigningKey(record: SigningKeyRecord): Promise<boolean>;
  rewrapSigningKey(keyId: string, wrapped: Buffer): Promise<void>;
}
