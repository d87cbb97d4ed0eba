import type Database from 'better-sqlite3';
import type {
  ItemKeyRecord,
  KeyringStore,
  OwnerKeyRecord,
  SigningKeyRecord,
} from '../keyring-store.js';
import type { PartSchema } from '../store-schema.js';

/** The keyring's tables; rows hold wrapped keys only. */
export const KEYRING_SCHEMA: PartSchema = {
  part: 'keyring',
  steps: [
    {
      version: 1,
      description: 'owner keys, item keys and the signing key, wrapped',
      sql: `
        CREATE TABLE owner_keys (
          owner_id TEXT PRIMARY KEY NOT NULL,
          key_id TEXT NOT NULL,
          wrapped BLOB NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE item_keys (
          item_id TEXT PRIMARY KEY NOT NULL,
          owner_id TEXT NOT NULL,
          key_id TEXT NOT NULL,
          wrapped BLOB NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX item_keys_by_owner ON item_keys (owner_id);
        CREATE TABLE signing_keys (
          key_id TEXT PRIMARY KEY NOT NULL,
          wrapped BLOB NOT NULL,
          public_key_pem TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
      `,
    },
  ],
};

interface KeyRow {
  key_id: string;
  wrapped: Buffer;
  created_at: string;
}
type OwnerKeyRow = KeyRow & { owner_id: string };
type ItemKeyRow = KeyRow & { item_id: string; owner_id: string };
type SigningKeyRow = KeyRow & { public_key_pem: string };

function prepare(db: Database.Database) {
  return {
    findOwner: db.prepare<[string], OwnerKeyRow>('SELECT * FROM owner_keys WHERE owner_id = ?'),
    insertOwner: db.prepare(
      `INSERT OR IGNORE INTO owner_keys (owner_id, key_id, wrapped, created_at)
       VALUES (?, ?, ?, ?)`,
    ),
    listOwners: db.prepare<[], OwnerKeyRow>('SELECT * FROM owner_keys ORDER BY owner_id'),
    rewrapOwner: db.prepare('UPDATE owner_keys SET wrapped = ? WHERE owner_id = ?'),
    deleteOwner: db.prepare('DELETE FROM owner_keys WHERE owner_id = ?'),
    ownerItemKeyIds: db.prepare<[string], string>(
      'SELECT key_id FROM item_keys WHERE owner_id = ? ORDER BY item_id',
    ),
    deleteOwnerItems: db.prepare('DELETE FROM item_keys WHERE owner_id = ?'),
    insertItem: db.prepare(
      `INSERT INTO item_keys (item_id, owner_id, key_id, wrapped, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    findItem: db.prepare<[string], ItemKeyRow>('SELECT * FROM item_keys WHERE item_id = ?'),
    listItems: db.prepare<[], ItemKeyRow>('SELECT * FROM item_keys ORDER BY item_id'),
    deleteItem: db.prepare<[string], { key_id: string }>(
      'DELETE FROM item_keys WHERE item_id = ? RETURNING key_id',
    ),
    orphans: db.prepare<[string], ItemKeyRow>(
      `SELECT * FROM item_keys WHERE created_at < ?
       AND item_id NOT IN (SELECT id FROM memory_items)`,
    ),
    findSigning: db.prepare<[], SigningKeyRow>(
      'SELECT * FROM signing_keys ORDER BY created_at LIMIT 1',
    ),
    insertSigning: db.prepare(
      `INSERT OR IGNORE INTO signing_keys (key_id, wrapped, public_key_pem, created_at)
       SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM signing_keys)`,
    ),
    rewrapSigning: db.prepare('UPDATE signing_keys SET wrapped = ? WHERE key_id = ?'),
  };
}

/**
 * After a key row is deleted, the page that held it is zeroed in the database file
 * (`secure_delete`) but an earlier copy of the page still sits in the write-ahead log until
 * the next checkpoint. A truncating checkpoint right away copies the zeroed pages over and
 * empties the log, so a copy of the data folder taken after a deletion holds no destroyed
 * key. Readers in other connections can hold the checkpoint back; it then completes at the
 * next deletion or at close.
 */
export function flushDestroyedPages(db: Database.Database): void {
  if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
}

export function createKeyringStore(db: Database.Database): KeyringStore {
  const sql = prepare(db);
  const destroyOwner = db.transaction((ownerId: string) => {
    const owner = sql.findOwner.get(ownerId);
    if (owner === undefined) return undefined;
    const itemKeyIds = sql.ownerItemKeyIds.pluck().all(ownerId);
    sql.deleteOwnerItems.run(ownerId);
    sql.deleteOwner.run(ownerId);
    return { ownerKeyId: owner.key_id, itemKeyIds };
  });

  return {
    findOwnerKey: async (ownerId) => Promise.resolve(optional(sql.findOwner.get(ownerId), toOwner)),
    insertOwnerKey: async (record) => {
      const row = [record.ownerId, record.keyId, record.wrapped, record.createdAt.toISOString()];
      return Promise.resolve(sql.insertOwner.run(...row).changes === 1);
    },
    listOwnerKeys: async () => Promise.resolve(sql.listOwners.all().map(toOwner)),
    rewrapOwnerKey: async (ownerId, wrapped) => {
      sql.rewrapOwner.run(wrapped, ownerId);
      return Promise.resolve();
    },
    destroyOwner: async (ownerId) => {
      const destroyed = destroyOwner.immediate(ownerId);
      flushDestroyedPages(db);
      return Promise.resolve(destroyed);
    },
    insertItemKey: async (record) => {
      const { itemId, ownerId, keyId, wrapped, createdAt } = record;
      sql.insertItem.run(itemId, ownerId, keyId, wrapped, createdAt.toISOString());
      return Promise.resolve();
    },
    findItemKey: async (itemId) => Promise.resolve(optional(sql.findItem.get(itemId), toItem)),
    listItemKeys: async () => Promise.resolve(sql.listItems.all().map(toItem)),
    destroyItemKey: async (itemId) => {
      const keyId = sql.deleteItem.get(itemId)?.key_id;
      flushDestroyedPages(db);
      return Promise.resolve(keyId);
    },
    listItemKeysWithoutItem: async (before) =>
      Promise.resolve(sql.orphans.all(before.toISOString()).map(toItem)),
    findSigningKey: async () => Promise.resolve(optional(sql.findSigning.get(), toSigning)),
    insertSigningKey: async (record) => {
      const { keyId, wrapped, publicKeyPem, createdAt } = record;
      const row = [keyId, wrapped, publicKeyPem, createdAt.toISOString()];
      return Promise.resolve(sql.insertSigning.run(...row).changes === 1);
    },
    rewrapSigningKey: async (keyId, wrapped) => {
      sql.rewrapSigning.run(wrapped, keyId);
      return Promise.resolve();
    },
  };
}

function optional<Row, Value>(row: Row | undefined, convert: (row: Row) => Value) {
  return row === undefined ? undefined : convert(row);
}

function toKey(row: KeyRow) {
  return { keyId: row.key_id, wrapped: row.wrapped, createdAt: new Date(row.created_at) };
}

function toOwner(row: OwnerKeyRow): OwnerKeyRecord {
  return { ...toKey(row), ownerId: row.owner_id };
}

function toItem(row: ItemKeyRow): ItemKeyRecord {
  return { ...toKey(row), itemId: row.item_id, ownerId: row.owner_id };
}

function toSigning(row: SigningKeyRow): SigningKeyRecord {
  return { ...toKey(row), publicKeyPem: row.public_key_pem };
}
