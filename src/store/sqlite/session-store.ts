import type Database from 'better-sqlite3';
import {
  sessionFromRow,
  sessionToRow,
  type SessionRow,
  type SessionStore,
} from '../session-store.js';
import type { PartSchema } from '../store-schema.js';

/** The chat page's sessions, kept by the SHA-256 of their token; they go with their person. */
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
          created_at TEXT NOT NULL,
          expires_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX web_sessions_by_expires_at ON web_sessions (expires_at);
        CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
      `,
    },
  ],
};

export function createSessionStore(db: Database.Database): SessionStore {
  const statements = {
    insert: db.prepare<[SessionRow]>(
      `INSERT INTO web_sessions (token_hash, user_id, created_at, expires_at)
       VALUES (@token_hash, @user_id, @created_at, @expires_at)`,
    ),
    find: db.prepare<[string], SessionRow>('SELECT * FROM web_sessions WHERE token_hash = ?'),
    delete: db.prepare<[string]>('DELETE FROM web_sessions WHERE token_hash = ?'),
    deleteForUser: db.prepare<[string]>('DELETE FROM web_sessions WHERE user_id = ?'),
    deleteExpired: db.prepare<[string]>('DELETE FROM web_sessions WHERE expires_at <= ?'),
  };

  return {
    insert: async (record) => {
      statements.insert.run(sessionToRow(record));
      return Promise.resolve();
    },
    findByTokenHash: async (tokenHash) => {
      const row = statements.find.get(tokenHash);
      return Promise.resolve(row === undefined ? undefined : sessionFromRow(row));
    },
    delete: async (tokenHash) => Promise.resolve(statements.delete.run(tokenHash).changes === 1),
    deleteForUser: async (userId) => Promise.resolve(statements.deleteForUser.run(userId).changes),
    deleteExpired: async (now) =>
      Promise.resolve(statements.deleteExpired.run(now.toISOString()).changes),
  };
}
