import { randomBytes } from 'node:crypto';
import { MoatError } from '../errors/index.js';
import type { MoatStore, UserRecord } from '../store/index.js';
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  hashPassword,
  verifyPassword,
} from './passwords.js';

const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** True for a name an account may have: 1-64 letters, digits, ".", "_", "@" or "-". */
export function isUserName(name: string): boolean {
  return USER_NAME_PATTERN.test(name);
}

/** Adds a person who signs in with a password; only its Argon2id hash is stored. */
export async function createUser(
  store: MoatStore,
  options: { name: string; password: string },
): Promise<UserRecord> {
  const name = checkUserName(options.name);
  checkPassword(options.password);
  if ((await store.users.findByName(name)) !== undefined) {
    throw new MoatError('invalid_request', {
      detail: 'An account with this name exists already.',
      param: 'name',
    });
  }

  const record: UserRecord = {
    id: randomUserId(),
    name,
    passwordHash: await hashPassword(options.password),
    createdAt: new Date(),
  };
  await store.users.insert(record);
  return record;
}

/** The person with this name and password; every failure is the same `invalid_credentials`. */
export async function authenticateUser(
  store: MoatStore,
  options: { name: string; password: string },
): Promise<UserRecord> {
  const user = isUserName(options.name) ? await store.users.findByName(options.name) : undefined;
  const isMatch = await verifyPassword(user?.passwordHash, options.password);

  if (user === undefined || !isMatch) throw new MoatError('invalid_credentials');
  return user;
}

/**
 * The person a trusted proxy vouched for, created without a password on first sight. The
 * proxy is the one that checked who they are; Moat only keeps their id stable.
 */
export async function findOrCreateProxyUser(store: MoatStore, name: string): Promise<UserRecord> {
  const known = await store.users.findByName(checkUserName(name));
  if (known !== undefined) return known;

  const record: UserRecord = {
    id: randomUserId(),
    name,
    passwordHash: null,
    createdAt: new Date(),
  };
  try {
    await store.users.insert(record);
    return record;
  } catch (error) {
    // Two first sign-ins of one person at once: the other one's insert won the unique name.
    const winner = await store.users.findByName(name);
    if (winner === undefined) throw error;
    return winner;
  }
}

function checkUserName(name: string): string {
  if (isUserName(name)) return name;
  throw new MoatError('invalid_request', {
    detail:
      'A user name must be 1-64 letters, digits, ".", "_", "@" or "-", not starting with a sign.',
    param: 'name',
  });
}

function checkPassword(password: string): void {
  if (password.length >= MIN_PASSWORD_LENGTH && password.length <= MAX_PASSWORD_LENGTH) return;
  throw new MoatError('invalid_request', {
    detail: `A password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long.`,
    param: 'password',
  });
}

function randomUserId(): string {
  return Array.from(randomBytes(12), (byte) => BASE32_ALPHABET.charAt(byte & 31)).join('');
}
