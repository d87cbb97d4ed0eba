import { afterEach, expect, it } from 'vitest';
import {
  authenticateSession,
  authenticateUser,
  createSession,
  createUser,
  csrfTokenFor,
  destroySession,
  findOrCreateProxyUser,
  isCsrfTokenValid,
} from '../../src/auth/index.js';
import { MoatError } from '../../src/errors/index.js';
import { openStore, type MoatStore, type StoreLocation } from '../../src/store/index.js';
import { describeEachBackend } from '../support/store-backends.js';

const PASSWORD = 'zqaccountpasswordcanary';
const opened: MoatStore[] = [];

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

async function codeOf(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    return error instanceof MoatError ? error.code : 'not a MoatError';
  }
  return undefined;
}

describeEachBackend('chat page accounts and sessions', (harness) => {
  let location: StoreLocation;

  async function freshStore(): Promise<MoatStore> {
    location = await harness.newLocation();
    const store = await openStore(location);
    opened.push(store);
    return store;
  }

  it('keep an Argon2id hash of a password, and let only the right one in', async () => {
    const store = await freshStore();
    const user = await createUser(store, { name: 'erin', password: PASSWORD });
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await store.users.findByName('erin')).toEqual(user);

    await expect(authenticateUser(store, { name: 'erin', password: PASSWORD })).resolves.toEqual(
      user,
    );
    for (const attempt of [
      { name: 'erin', password: `${PASSWORD}x` },
      { name: 'frank', password: PASSWORD },
      { name: 'erin', password: 'x'.repeat(5000) },
    ]) {
      expect(await codeOf(() => authenticateUser(store, attempt))).toBe('invalid_credentials');
    }
  });

  it('refuse a taken name, a short password and a malformed name', async () => {
    const store = await freshStore();
    await createUser(store, { name: 'erin', password: PASSWORD });
    await expect(createUser(store, { name: 'erin', password: PASSWORD })).rejects.toThrow(
      /exists already/,
    );
    await expect(createUser(store, { name: 'gil', password: 'short' })).rejects.toThrow(
      /10 to 1024/,
    );
    await expect(createUser(store, { name: '-gil', password: PASSWORD })).rejects.toThrow(
      /user name/,
    );
    expect((await store.users.list()).map((user) => user.name)).toEqual(['erin']);
  });

  it('know a proxy-named person once, without a password that could ever match', async () => {
    const store = await freshStore();
    const first = await findOrCreateProxyUser(store, 'dave@example.org');
    expect(await findOrCreateProxyUser(store, 'dave@example.org')).toEqual(first);
    expect(first.passwordHash).toBeNull();
    const attempt = { name: 'dave@example.org', password: '' };
    expect(await codeOf(() => authenticateUser(store, attempt))).toBe('invalid_credentials');
  });

  it('find their person until they expire, then refuse and remove themselves', async () => {
    const store = await freshStore();
    const user = await createUser(store, { name: 'erin', password: PASSWORD });
    const now = new Date('2030-01-01T00:00:00Z');
    const created = await createSession(store, { user, ttlMinutes: 30, now });

    const active = await authenticateSession(
      store,
      created.token,
      new Date('2030-01-01T00:29:59Z'),
    );
    expect(active.user).toEqual(user);
    expect(active.csrfToken).toBe(csrfTokenFor(created.token));

    const later = new Date('2030-01-01T00:30:00Z');
    expect(await codeOf(() => authenticateSession(store, created.token, later))).toBe(
      'session_expired',
    );
    expect(await store.sessions.findByTokenHash(created.record.tokenHash)).toBeUndefined();
  });

  it('end on destroy, refuse malformed tokens, and sweep out expired ones', async () => {
    const store = await freshStore();
    const user = await createUser(store, { name: 'erin', password: PASSWORD });
    const old = await createSession(store, { user, ttlMinutes: 5, now: new Date('2030-01-01') });
    const created = await createSession(store, {
      user,
      ttlMinutes: 5,
      now: new Date('2030-01-02'),
    });
    expect(await store.sessions.findByTokenHash(old.record.tokenHash)).toBeUndefined();

    expect(await destroySession(store, created.token)).toBe(true);
    expect(await destroySession(store, created.token)).toBe(false);
    expect(await codeOf(() => authenticateSession(store, created.token))).toBe('session_expired');
    expect(await codeOf(() => authenticateSession(store, "' OR 1=1 --"))).toBe('session_expired');
  });

  it('end every session of one person at once', async () => {
    const store = await freshStore();
    const erin = await createUser(store, { name: 'erin', password: PASSWORD });
    const hana = await createUser(store, { name: 'hana', password: PASSWORD });
    await createSession(store, { user: erin, ttlMinutes: 5 });
    await createSession(store, { user: erin, ttlMinutes: 5 });
    const kept = await createSession(store, { user: hana, ttlMinutes: 5 });

    expect(await store.sessions.deleteForUser(erin.id)).toBe(2);
    expect((await authenticateSession(store, kept.token)).user.id).toBe(hana.id);
  });

  it('refuse a session for a person who does not exist', async () => {
    const store = await freshStore();
    const record = {
      tokenHash: 'ab'.repeat(32),
      userId: 'nosuchperson',
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 60_000),
    };
    await expect(store.sessions.insert(record)).rejects.toThrow();
  });

  it('hold neither a password nor a session token, only their hashes', async () => {
    const store = await freshStore();
    const user = await createUser(store, { name: 'erin', password: PASSWORD });
    const created = await createSession(store, { user, ttlMinutes: 5 });
    await store.close();

    const bytes = await harness.dump(location);
    expect(bytes.includes(created.record.tokenHash)).toBe(true);
    expect(bytes.includes(created.token)).toBe(false);
    expect(bytes.includes(created.token.slice(0, 12))).toBe(false);
    expect(bytes.includes(PASSWORD)).toBe(false);
    expect(bytes.includes(PASSWORD.slice(2, 12))).toBe(false);
  });
});

it('derives a CSRF token that only matches itself', () => {
  const token = csrfTokenFor('a'.repeat(43));
  expect(isCsrfTokenValid(token, token)).toBe(true);
  expect(isCsrfTokenValid(token, csrfTokenFor('b'.repeat(43)))).toBe(false);
  expect(isCsrfTokenValid(token, undefined)).toBe(false);
  expect(isCsrfTokenValid(token, token.slice(1))).toBe(false);
});
