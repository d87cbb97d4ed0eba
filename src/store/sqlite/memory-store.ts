import type Database from 'better-sqlite3';
import type {
  MemoryItemMetadata,
  MemoryItemRecord,
  MemoryKind,
  MemoryStore,
} from '../memory-store.js';
import type { PartSchema } from '../store-schema.js';

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
          created_at TEXT NOT NULL,
          expires_at TEXT NOT NULL,
          size_bytes INTEGER NOT NULL,
          key_id TEXT NOT NULL,
          content BLOB NOT NULL,
          vector BLOB
        ) STRICT;
        CREATE INDEX memory_items_by_owner ON memory_items (owner_id, created_at);
        CREATE INDEX memory_items_by_expiry ON memory_items (expires_at);
        CREATE TABLE memory_tokens (
          owner_id TEXT NOT NULL,
          token TEXT NOT NULL,
          item_id TEXT NOT NULL REFERENCES memory_items (id) ON DELETE CASCADE,
          PRIMARY KEY (owner_id, token, item_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX memory_tokens_by_item ON memory_tokens (item_id);
        CREATE TABLE deletion_receipts (
          id TEXT PRIMARY KEY NOT NULL,
          owner_id TEXT NOT NULL,
          created_at TEXT NOT NULL,
          body TEXT NOT NULL
        ) STRICT;
      `,
    },
  ],
};

interface ItemRow {
  id: string;
  owner_id: string;
  kind: string;
  data_class: string;
  created_at: string;
  expires_at: string;
  size_bytes: number;
  key_id: string;
  content: Buffer;
  vector: Buffer | null;
}

const METADATA = 'id, owner_id, kind, data_class, created_at, expires_at, size_bytes, key_id';

function prepare(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO memory_items (${METADATA}, content, vector)
       VALUES (@id, @owner_id, @kind, @data_class, @created_at, @expires_at, @size_bytes,
               @key_id, @content, @vector)`,
    ),
    insertToken: db.prepare(
      'INSERT OR IGNORE INTO memory_tokens (owner_id, token, item_id) VALUES (?, ?, ?)',
    ),
    find: db.prepare<[string, string], ItemRow>(
      'SELECT * FROM memory_items WHERE owner_id = ? AND id = ?',
    ),
    list: db.prepare<[string, number], ItemRow>(
      `SELECT ${METADATA} FROM memory_items WHERE owner_id = ?
       ORDER BY created_at DESC, id LIMIT ?`,
    ),
    withVectors: db.prepare<[string, number], ItemRow>(
      `SELECT * FROM memory_items WHERE owner_id = ? AND vector IS NOT NULL
       ORDER BY created_at DESC, id LIMIT ?`,
    ),
    delete: db.prepare('DELETE FROM memory_items WHERE owner_id = ? AND id = ?'),
    ownerIds: db.prepare<[string], string>('SELECT id FROM memory_items WHERE owner_id = ?'),
    deleteOwner: db.prepare('DELETE FROM memory_items WHERE owner_id = ?'),
    expired: db.prepare<[string, number], ItemRow>(
      `SELECT ${METADATA} FROM memory_items WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`,
    ),
    overdue: db.prepare<[string], { count: number; oldest: string | null }>(
      'SELECT count(*) AS count, min(expires_at) AS oldest FROM memory_items WHERE expires_at <= ?',
    ),
    summaries: db.prepare<
      [],
      { owner_id: string; item_count: number; size_bytes: number; oldest: string }
    >(
      `SELECT owner_id, count(*) AS item_count, sum(size_bytes) AS size_bytes,
              min(created_at) AS oldest
       FROM memory_items GROUP BY owner_id ORDER BY owner_id`,
    ),
    exists: db.prepare<[string], number>('SELECT 1 FROM memory_items WHERE id = ?'),
    insertReceipt: db.prepare(
      'INSERT INTO deletion_receipts (id, owner_id, created_at, body) VALUES (?, ?, ?, ?)',
    ),
    findReceipt: db.prepare<
      [string],
      { id: string; owner_id: string; created_at: string; body: string }
    >('SELECT * FROM deletion_receipts WHERE id = ?'),
    listReceipts: db.prepare<
      [string, number],
      { id: string; owner_id: string; created_at: string; body: string }
    >('SELECT * FROM deletion_receipts WHERE owner_id = ? ORDER BY created_at DESC, id LIMIT ?'),
    exportItems: db.prepare<[], ItemRow>('SELECT * FROM memory_items ORDER BY id'),
    itemTokens: db.prepare<[string], string>(
      'SELECT token FROM memory_tokens WHERE item_id = ? ORDER BY token',
    ),
  };
}

export function createMemoryStore(db: Database.Database): MemoryStore {
  const sql = prepare(db);
  const insert = db.transaction((record: MemoryItemRecord, tokens: readonly string[]) => {
    sql.insert.run(toRow(record));
    for (const token of tokens) sql.insertToken.run(record.ownerId, token, record.id);
  });
  const deleteOwner = db.transaction((ownerId: string) => {
    const ids = sql.ownerIds.pluck().all(ownerId);
    sql.deleteOwner.run(ownerId);
    return ids;
  });

  return {
    insert: async (record, tokens) => {
      insert.immediate(record, tokens);
      return Promise.resolve();
    },
    find: async (ownerId, id) => Promise.resolve(optionalItem(sql.find.get(ownerId, id))),
    list: async (ownerId, limit) => Promise.resolve(sql.list.all(ownerId, limit).map(toMetadata)),
    matchTokens: async (ownerId, tokens, limit) =>
      Promise.resolve(matchTokens(db, { ownerId, tokens, limit })),
    listWithVectors: async (ownerId, limit) =>
      Promise.resolve(sql.withVectors.all(ownerId, limit).map(toItem)),
    delete: async (ownerId, id) => Promise.resolve(sql.delete.run(ownerId, id).changes === 1),
    deleteOwner: async (ownerId) => Promise.resolve(deleteOwner.immediate(ownerId)),
    listExpired: async (now, limit) =>
      Promise.resolve(sql.expired.all(now.toISOString(), limit).map(toMetadata)),
    overdue: async (now) => {
      const row = sql.overdue.get(now.toISOString());
      const oldest = row?.oldest ?? null;
      return Promise.resolve({
        count: row?.count ?? 0,
        oldestExpiresAt: oldest === null ? undefined : new Date(oldest),
      });
    },
    ownerSummaries: async () =>
      Promise.resolve(
        sql.summaries.all().map((row) => ({
          ownerId: row.owner_id,
          itemCount: row.item_count,
          sizeBytes: row.size_bytes,
          oldestCreatedAt: new Date(row.oldest),
        })),
      ),
    exists: async (id) => Promise.resolve(sql.exists.pluck().get(id) !== undefined),
    insertReceipt: async (record) => {
      sql.insertReceipt.run(record.id, record.ownerId, record.createdAt.toISOString(), record.body);
      return Promise.resolve();
    },
    findReceipt: async (id) => {
      const row = sql.findReceipt.get(id);
      if (row === undefined) return Promise.resolve(undefined);
      const { owner_id: ownerId, created_at: createdAt, body } = row;
      return Promise.resolve({ id, ownerId, createdAt: new Date(createdAt), body });
    },
    listReceipts: async (ownerId, limit) =>
      Promise.resolve(
        sql.listReceipts.all(ownerId, limit).map((row) => ({
          id: row.id,
          ownerId: row.owner_id,
          createdAt: new Date(row.created_at),
          body: row.body,
        })),
      ),
    exportItems: async () =>
      Promise.resolve(
        sql.exportItems.all().map((row) => ({
          record: toItem(row),
          tokens: sql.itemTokens.pluck().all(row.id),
        })),
      ),
  };
}

function matchTokens(
  db: Database.Database,
  query: { ownerId: string; tokens: readonly string[]; limit: number },
): { id: string; hits: number }[] {
  if (query.tokens.length === 0) return [];
  const marks = query.tokens.map(() => '?').join(', ');
  const statement = db.prepare<unknown[], { id: string; hits: number }>(
    `SELECT item_id AS id, count(*) AS hits FROM memory_tokens
     WHERE owner_id = ? AND token IN (${marks})
     GROUP BY item_id ORDER BY hits DESC, item_id LIMIT ?`,
  );
  return statement.all(query.ownerId, ...query.tokens, query.limit);
}

function toRow(record: MemoryItemRecord) {
  return {
    id: record.id,
    owner_id: record.ownerId,
    kind: record.kind,
    data_class: record.dataClass,
    created_at: record.createdAt.toISOString(),
    expires_at: record.expiresAt.toISOString(),
    size_bytes: record.sizeBytes,
    key_id: record.keyId,
    content: record.content,
    vector: record.vector,
  };
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

function optionalItem(row: ItemRow | undefined): MemoryItemRecord | undefined {
  return row === undefined ? undefined : toItem(row);
}
