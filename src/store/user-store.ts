/** A person who signs in to the chat page. */
export interface UserRecord {
  /** Public identifier, 12 base32 characters; safe to log and to own stored items. */
  id: string;
  /** The sign-in name; unique. */
  name: string;
  /**
   * Argon2id hash in PHC string form; null for a person known only through the trusted
   * proxy's identity header, who has no password here.
   */
  passwordHash: string | null;
  createdAt: Date;
}

/** People by id and by name. */
export interface UserStore {
  /** Adds a person; the id and the name must both be new, else it rejects. */
  insert(record: UserRecord): Promise<void>;
  findById(id: string): Promise<UserRecord | undefined>;
  findByName(name: string): Promise<UserRecord | undefined>;
  /** Oldest first. */
  list(): Promise<UserRecord[]>;
}

/** A row of the `users` table, as both backends hold it. */
export interface UserRow {
  id: string;
  name: string;
  password_hash: string | null;
  /** ISO-8601 text in SQLite, a timestamp in PostgreSQL. */
  created_at: string | Date;
}

export function userToRow(record: UserRecord): UserRow {
  return {
    id: record.id,
    name: record.name,
    password_hash: record.passwordHash,
    created_at: record.createdAt.toISOString(),
  };
}

export function userFromRow(row: UserRow): UserRecord {
  return {
    id: row.id,
    name: row.name,
    passwordHash: row.password_hash,
    createdAt: new Date(row.created_at),
  };
}
