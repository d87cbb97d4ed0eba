import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id with the parameters OWASP lists first for it (19 MiB of memory, two passes, one
 * lane): slow enough to make guessing expensive, cheap enough for a sign-in on two cores.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
 */
const ARGON2ID_OPTIONS = {
  // No `algorithm`: the library's default is Argon2id, and its enum is a const enum that
  // isolated modules cannot import. A test checks the hashes it makes are `$argon2id$`.
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Shortest and longest password accepted; the upper bound keeps hashing time bounded. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

/** Hashes a password into a self-describing PHC string (`$argon2id$v=19$…`). */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID_OPTIONS);
}

let decoyHash: Promise<string> | undefined;

/**
 * True when `password` matches `passwordHash`. With no hash (an unknown name, or a person
 * without a password) a decoy hash is checked instead, so that a wrong name costs as much
 * time as a wrong password and answers cannot tell which names exist.
 */
export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  decoyHash ??= hashPassword('decoy password that matches nothing');
  const hashToCheck = passwordHash ?? (await decoyHash);

  const isMatch = await verify(hashToCheck, password).catch(() => false);
  return isMatch && passwordHash !== null && passwordHash !== undefined;
}
