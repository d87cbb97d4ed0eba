import type Database from 'better-sqlite3';
import type { PartSchema } from '../store-schema.js';
import { userFromRow, userToRow, type UserRow, type UserStore } from '../user-store.js';

/** The chat page's accounts. Only an Argon2id hash of a password is ever stored. */
export const USER_SCHEMA: PartSchema = {
  part: 'users',
  steps: [
    {
      version: 1,
      description: 'chat page accounts, passwords as Argon2id hashes',
      sql: `
        CREATE TABLE users (
          id TEXT PRIMARY KEY NOT NULL,
          name TEXT NOT NULL UNIQUE,
          password_hash TEXT,
          created_at TEXT NOT NULL
        ) STRICT;
      `,
    },
  ],
};

export function createUserStore(db: Database.Database): UserStore {
  const statements = {
    insert: db.prepare<[UserRow]>(
      `INSERT INTO users (id, name, password_hash, created_at)
       VALUES (@id, @name, @password_hash, @created_at)`,
    ),
    findById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    findByName: db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?'),
    list: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY created_at, rowid'),
  };
  const optional = (row: UserRow | undefined) => (row === undefined ? undefined : userFromRow(row));

  return {
    insert: async (record) => {
      statements.insert.run(userToRow(record));
      return Promise.resolve();
    },
    findById: async (id) => Promise.resolve(optional(statements.findById.get(id))),
    findByName: async (name) => Promise.resolve(optional(statements.findByName.get(name))),
    list: async () => Promise.resolve(statements.list.all().map(userFromRow)),
  };
}
