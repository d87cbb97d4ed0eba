import type pg from 'pg';
import type {
  MemoryItemMetadata,
  MemoryItemRecord,
  MemoryKind,
  MemoryStore,
} from '../memory-store.js';
import type { PartSchema } from '../store-schema.js';
import { inTransaction } from './in-transaction.js';

/** Memory items (sealed), their blind-index tokens, and deletion receipts. */
export const MEMORY_SCHEMA: PartSchema = {
  part: 'memory',
  steps: [
    {
      version: 1,
      description: 'sealed memory items, blind-index tokens, deletion receipts',
      sql: `
        CREATE TABLE memory_items (
          id TEXT PRIMARY KEY NOT NULL,
          owner_id TEXT NOT NULL,
          kind TEXT NOT NULL,
          data_class TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          expires_at TIMESTAMPTZ NOT NULL,
          size_bytes INTEGER NOT NULL,
          key_id TEXT NOT NULL,
          content BYTEA NOT NULL,
          vector BYTEA
        );
        CREATE INDEX memory_items_by_owner ON memory_items (owner_id, created_at);
        CREATE INDEX memory_items_by_expiry ON memory_items (expires_at);
        CREATE TABLE memory_tokens (
          owner_id TEXT NOT NULL,
          token TEXT NOT NULL,
          item_id TEXT NOT NULL REFERENCES memory_items (id) ON DELETE CASCADE,
          PRIMARY KEY (owner_id, token, item_id)
        );
        CREATE INDEX memory_tokens_by_item ON memory_tokens (item_id);
        CREATE TABLE deletion_receipts (
          id TEXT PRIMARY KEY NOT NULL,
          owner_id TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          body TEXT NOT NULL
        );
      `,
    },
  ],
};

interface ItemRow {
  id: string;
  owner_id: string;
  kind: string;
  data_class: string;
  created_at: Date;
  expires_at: Date;
  size_bytes: number;
  key_id: string;
  content: Buffer;
  vector: Buffer | null;
}

const METADATA = 'id, owner_id, kind, data_class, created_at, expires_at, size_bytes, key_id';

export function createMemoryStore(pool: pg.Pool): MemoryStore {
  const rows = async <Row extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await pool.query<Row>(text, values)).rows;

  return {
    insert: async (record, tokens) =>
      inTransaction(pool, (client) => insert(client, record, tokens)),
    find: async (ownerId, id) =>
      (
        await rows<ItemRow>('SELECT * FROM memory_items WHERE owner_id = $1 AND id = $2', [
          ownerId,
          id,
        ])
      ).map(toItem)[0],
    list: async (ownerId, limit) =>
      (
        await rows<ItemRow>(
          `SELECT ${METADATA} FROM memory_items WHERE owner_id = $1
           ORDER BY created_at DESC, id LIMIT $2`,
          [ownerId, limit],
        )
      ).map(toMetadata),
    matchTokens: async (ownerId, tokens, limit) =>
      tokens.length === 0
        ? []
        : (
            await rows<{ id: string; hits: string }>(
              `SELECT item_id AS id, count(*) AS hits FROM memory_tokens
               WHERE owner_id = $1 AND token = ANY($2)
               GROUP BY item_id ORDER BY hits DESC, item_id LIMIT $3`,
              [ownerId, tokens, limit],
            )
          ).map((row) => ({ id: row.id, hits: Number(row.hits) })),
    listWithVectors: async (ownerId, limit) =>
      (
        await rows<ItemRow>(
          `SELECT * FROM memory_items WHERE owner_id = $1 AND vector IS NOT NULL
           ORDER BY created_at DESC, id LIMIT $2`,
          [ownerId, limit],
        )
      ).map(toItem),
    delete: async (ownerId, id) => {
      const result = await pool.query('DELETE FROM memory_items WHERE owner_id = $1 AND id = $2', [
        ownerId,
        id,
      ]);
      return result.rowCount === 1;
    },
    deleteOwner: async (ownerId) =>
      (
        await rows<{ id: string }>('DELETE FROM memory_items WHERE owner_id = $1 RETURNING id', [
          ownerId,
        ])
      )
        .map((row) => row.id)
        .sort(),
    listExpired: async (now, limit) =>
      (
        await rows<ItemRow>(
          `SELECT ${METADATA} FROM memory_items WHERE expires_at <= $1
           ORDER BY expires_at LIMIT $2`,
          [now, limit],
        )
      ).map(toMetadata),
    overdue: async (now) => {
      const [row] = await rows<{ count: string; oldest: Date | null }>(
        `SELECT count(*) AS count, min(expires_at) AS oldest
         FROM memory_items WHERE expires_at <= $1`,
        [now],
      );
      return { count: Number(row?.count ?? 0), oldestExpiresAt: row?.oldest ?? undefined };
    },
    ownerSummaries: async () =>
      (
        await rows<{ owner_id: string; item_count: string; size_bytes: string; oldest: Date }>(
          `SELECT owner_id, count(*) AS item_count, sum(size_bytes) AS size_bytes,
                  min(created_at) AS oldest
           FROM memory_items GROUP BY owner_id ORDER BY owner_id`,
        )
      ).map((row) => ({
        ownerId: row.owner_id,
        itemCount: Number(row.item_count),
        sizeBytes: Number(row.size_bytes),
        oldestCreatedAt: row.oldest,
      })),
    exists: async (id) =>
      (await rows('SELECT 1 FROM memory_items WHERE id = $1', [id])).length === 1,
    insertReceipt: async (record) => {
      await pool.query(
        'INSERT INTO deletion_receipts (id, owner_id, created_at, body) VALUES ($1, $2, $3, $4)',
        [record.id, record.ownerId, record.createdAt, record.body],
      );
    },
    findReceipt: async (id) =>
      (
        await rows<{ id: string; owner_id: string; created_at: Date; body: string }>(
          'SELECT * FROM deletion_receipts WHERE id = $1',
          [id],
        )
      ).map((row) => ({
        id: row.id,
        ownerId: row.owner_id,
        createdAt: row.created_at,
        body: row.body,
      }))[0],
    listReceipts: async (ownerId, limit) =>
      (
        await rows<{ id: string; owner_id: string; created_at: Date; body: string }>(
          `SELECT * FROM deletion_receipts WHERE owner_id = $1
           ORDER BY created_at DESC, id LIMIT $2`,
          [ownerId, limit],
        )
      ).map((row) => ({
        id: row.id,
        ownerId: row.owner_id,
        createdAt: row.created_at,
        body: row.body,
      })),
    exportItems: async () => exportItems(pool),
  };
}

async function insert(
  client: pg.PoolClient,
  record: MemoryItemRecord,
  tokens: readonly string[],
): Promise<void> {
  await client.query(
    `INSERT INTO memory_items (${METADATA}, content, vector)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      record.id,
      record.ownerId,
      record.kind,
      record.dataClass,
      record.createdAt,
      record.expiresAt,
      record.sizeBytes,
      record.keyId,
      record.content,
      record.vector,
    ],
  );
  if (tokens.length === 0) return;
  await client.query(
    `INSERT INTO memory_tokens (owner_id, token, item_id)
     SELECT $1, token, $2 FROM unnest($3::text[]) AS token ON CONFLICT DO NOTHING`,
    [record.ownerId, record.id, [...tokens]],
  );
}

async function exportItems(pool: pg.Pool) {
  const items = await pool.query<ItemRow>('SELECT * FROM memory_items ORDER BY id');
  const tokens = await pool.query<{ item_id: string; token: string }>(
    'SELECT item_id, token FROM memory_tokens ORDER BY item_id, token',
  );
  const byItem = new Map<string, string[]>();
  for (const row of tokens.rows) {
    byItem.set(row.item_id, [...(byItem.get(row.item_id) ?? []), row.token]);
  }
  return items.rows.map((row) => ({ record: toItem(row), tokens: byItem.get(row.id) ?? [] }));
}

function toMetadata(row: Omit<ItemRow, 'content' | 'vector'>): MemoryItemMetadata {
  return {
    id: row.id,
    ownerId: row.owner_id,
    kind: row.kind as MemoryKind,
    dataClass: row.data_class,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    sizeBytes: row.size_bytes,
    keyId: row.key_id,
  };
}

function toItem(row: ItemRow): MemoryItemRecord {
  return { ...toMetadata(row), content: row.content, vector: row.vector };
}
