import type pg from 'pg';
import {
  sessionFromRow,
  sessionToRow,
  type SessionRow,
  type SessionStore,
} from '../session-store.js';
import type { PartSchema } from '../store-schema.js';

/** The chat page's sessions; the same columns as on SQLite, with PostgreSQL's own types. */
export const SESSION_SCHEMA: PartSchema = {
  part: 'web-sessions',
  steps: [
    {
      version: 1,
      description: 'chat page sessions, stored as token hashes',
      sql: `
        CREATE TABLE web_sessions (
          token_hash TEXT PRIMARY KEY NOT NULL CHECK (length(token_hash) = 64),
          user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
          created_at TIMESTAMPTZ NOT NULL,
          expires_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX web_sessions_by_expires_at ON web_sessions (expires_at);
        CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
      `,
    },
  ],
};

export function createSessionStore(pool: pg.Pool): SessionStore {
  const remove = async (sql: string, value: string) => (await pool.query(sql, [value])).rowCount;

  return {
    insert: async (record) => {
      const row = sessionToRow(record);
      await pool.query(
        `INSERT INTO web_sessions (token_hash, user_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)`,
        [row.token_hash, row.user_id, row.created_at, row.expires_at],
      );
    },
    findByTokenHash: async (tokenHash) => {
      const result = await pool.query<SessionRow>(
        'SELECT * FROM web_sessions WHERE token_hash = $1',
        [tokenHash],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : sessionFromRow(row);
    },
    delete: async (tokenHash) =>
      (await remove('DELETE FROM web_sessions WHERE token_hash = $1', tokenHash)) === 1,
    deleteForUser: async (userId) =>
      (await remove('DELETE FROM web_sessions WHERE user_id = $1', userId)) ?? 0,
    deleteExpired: async (now) =>
      (await remove('DELETE FROM web_sessions WHERE expires_at <= $1', now.toISOString())) ?? 0,
  };
}
