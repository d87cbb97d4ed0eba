/** A signed-in browser: never the session token, only its SHA-256. */
export interface SessionRecord {
  /** SHA-256 of the session token, hex; the token itself is only in the browser's cookie. */
  tokenHash: string;
  userId: string;
  createdAt: Date;
  /** After this the session is refused and removed. */
  expiresAt: Date;
}

/** The chat page's sessions, by the hash of their token. */
export interface SessionStore {
  /** Adds a session; its person must exist. */
  insert(record: SessionRecord): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<SessionRecord | undefined>;
  /** Removes one session; false when there was none. */
  delete(tokenHash: string): Promise<boolean>;
  /** Removes every session of one person (signing them out everywhere); answers how many. */
  deleteForUser(userId: string): Promise<number>;
  /** Removes every session that expired at or before `now`; answers how many. */
  deleteExpired(now: Date): Promise<number>;
}

/** A row of the `web_sessions` table, as both backends hold it. */
export interface SessionRow {
  token_hash: string;
  user_id: string;
  /** ISO-8601 text in SQLite, a timestamp in PostgreSQL. */
  created_at: string | Date;
  expires_at: string | Date;
}

export function sessionToRow(record: SessionRecord): SessionRow {
  return {
    token_hash: record.tokenHash,
    user_id: record.userId,
    created_at: record.createdAt.toISOString(),
    expires_at: record.expiresAt.toISOString(),
  };
}

export function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}
