import type pg from 'pg';
import type { PartSchema } from '../store-schema.js';
import { userFromRow, userToRow, type UserRow, type UserStore } from '../user-store.js';

/** The chat page's accounts; the same columns as on SQLite, with PostgreSQL's own types. */
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
          created_at TIMESTAMPTZ NOT NULL,
          seq BIGSERIAL NOT NULL
        );
      `,
    },
  ],
};

export function createUserStore(pool: pg.Pool): UserStore {
  const findOne = async (column: 'id' | 'name', value: string) => {
    const result = await pool.query<UserRow>(`SELECT * FROM users WHERE ${column} = $1`, [value]);
    const row = result.rows[0];
    return row === undefined ? undefined : userFromRow(row);
  };

  return {
    insert: async (record) => {
      const row = userToRow(record);
      await pool.query(
        'INSERT INTO users (id, name, password_hash, created_at) VALUES ($1, $2, $3, $4)',
        [row.id, row.name, row.password_hash, row.created_at],
      );
    },
    findById: async (id) => findOne('id', id),
    findByName: async (name) => findOne('name', name),
    list: async () => {
      const result = await pool.query<UserRow>('SELECT * FROM users ORDER BY created_at, seq');
      return result.rows.map(userFromRow);
    },
  };
}
