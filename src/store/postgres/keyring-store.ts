import type pg from 'pg';
import type {
  ItemKeyRecord,
  KeyringStore,
  OwnerKeyRecord,
  SigningKeyRecord,
} from '../keyring-store.js';
import type { PartSchema } from '../store-schema.js';
import { inTransaction } from './in-transaction.js';

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
          wrapped BYTEA NOT NULL,
          created_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE item_keys (
          item_id TEXT PRIMARY KEY NOT NULL,
          owner_id TEXT NOT NULL,
          key_id TEXT NOT NULL,
          wrapped BYTEA NOT NULL,
          created_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX item_keys_by_owner ON item_keys (owner_id);
        CREATE TABLE signing_keys (
          key_id TEXT PRIMARY KEY NOT NULL,
          wrapped BYTEA NOT NULL,
          public_key_pem TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL
        );
      `,
    },
  ],
};

interface KeyRow {
  key_id: string;
  wrapped: Buffer;
  created_at: Date;
}
type OwnerKeyRow = KeyRow & { owner_id: string };
type ItemKeyRow = KeyRow & { item_id: string; owner_id: string };
type SigningKeyRow = KeyRow & { public_key_pem: string };

export function createKeyringStore(pool: pg.Pool): KeyringStore {
  const rows = async <Row extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await pool.query<Row>(text, values)).rows;

  return {
    findOwnerKey: async (ownerId) =>
      (await rows<OwnerKeyRow>('SELECT * FROM owner_keys WHERE owner_id = $1', [ownerId])).map(
        toOwner,
      )[0],
    insertOwnerKey: async (record) => {
      const result = await pool.query(
        `INSERT INTO owner_keys (owner_id, key_id, wrapped, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (owner_id) DO NOTHING`,
        [record.ownerId, record.keyId, record.wrapped, record.createdAt],
      );
      return result.rowCount === 1;
    },
    listOwnerKeys: async () =>
      (await rows<OwnerKeyRow>('SELECT * FROM owner_keys ORDER BY owner_id')).map(toOwner),
    rewrapOwnerKey: async (ownerId, wrapped) => {
      await pool.query('UPDATE owner_keys SET wrapped = $1 WHERE owner_id = $2', [
        wrapped,
        ownerId,
      ]);
    },
    destroyOwner: async (ownerId) => inTransaction(pool, (client) => destroyOwner(client, ownerId)),
    insertItemKey: async (record) => {
      await pool.query(
        `INSERT INTO item_keys (item_id, owner_id, key_id, wrapped, created_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [record.itemId, record.ownerId, record.keyId, record.wrapped, record.createdAt],
      );
    },
    findItemKey: async (itemId) =>
      (await rows<ItemKeyRow>('SELECT * FROM item_keys WHERE item_id = $1', [itemId])).map(
        toItem,
      )[0],
    listItemKeys: async () =>
      (await rows<ItemKeyRow>('SELECT * FROM item_keys ORDER BY item_id')).map(toItem),
    destroyItemKey: async (itemId) =>
      (
        await rows<{ key_id: string }>(
          'DELETE FROM item_keys WHERE item_id = $1 RETURNING key_id',
          [itemId],
        )
      )[0]?.key_id,
    listItemKeysWithoutItem: async (before) =>
      (
        await rows<ItemKeyRow>(
          `SELECT * FROM item_keys WHERE created_at < $1
           AND NOT EXISTS (SELECT 1 FROM memory_items WHERE memory_items.id = item_keys.item_id)`,
          [before],
        )
      ).map(toItem),
    findSigningKey: async () =>
      (await rows<SigningKeyRow>('SELECT * FROM signing_keys ORDER BY created_at LIMIT 1')).map(
        toSigning,
      )[0],
    insertSigningKey: async (record) => insertSigningKey(pool, record),
    rewrapSigningKey: async (keyId, wrapped) => {
      await pool.query('UPDATE signing_keys SET wrapped = $1 WHERE key_id = $2', [wrapped, keyId]);
    },
  };
}

async function destroyOwner(client: pg.PoolClient, ownerId: string) {
  const owner = await client.query<{ key_id: string }>(
    'DELETE FROM owner_keys WHERE owner_id = $1 RETURNING key_id',
    [ownerId],
  );
  const ownerKeyId = owner.rows[0]?.key_id;
  if (ownerKeyId === undefined) return undefined;

  const items = await client.query<{ key_id: string; item_id: string }>(
    'DELETE FROM item_keys WHERE owner_id = $1 RETURNING key_id, item_id',
    [ownerId],
  );
  const sorted = items.rows.sort((a, b) => (a.item_id < b.item_id ? -1 : 1));
  return { ownerKeyId, itemKeyIds: sorted.map((row) => row.key_id) };
}

/** One signing key per store: the first writer wins, under a lock on the table. */
async function insertSigningKey(pool: pg.Pool, record: SigningKeyRecord): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    await client.query('LOCK TABLE signing_keys IN EXCLUSIVE MODE');
    const existing = await client.query('SELECT 1 FROM signing_keys LIMIT 1');
    if (existing.rowCount !== 0) return false;
    await client.query(
      `INSERT INTO signing_keys (key_id, wrapped, public_key_pem, created_at)
       VALUES ($1, $2, $3, $4)`,
      [record.keyId, record.wrapped, record.publicKeyPem, record.createdAt],
    );
    return true;
  });
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
