import { describe, expect, it } from 'vitest';
import { openPostgresStore } from './postgres-store.js';

describe('openPostgresStore', () => {
  it('names store.url but never shows the URL or its password when it cannot connect', async () => {
    const password = 'canary-password-7f3a9c';
    const url = `postgres://moat:${password}@127.0.0.1:1/moat_db_name`;

    const error = await openPostgresStore({ url }).then(
      () => undefined,
      (thrown: unknown) => thrown as Error,
    );
    expect(error?.message).toMatch(
      /^cannot open the PostgreSQL store at store\.url \(ECONNREFUSED\)/,
    );
    expect(error?.message).not.toContain(password);
    expect(error?.message).not.toContain('moat_db_name');
  });

  it('refuses a schema name it would have to quote', async () => {
    await expect(
      openPostgresStore({ url: 'postgres://127.0.0.1:1/x', schema: 'a; DROP TABLE x' }),
    ).rejects.toThrow('lowercase letters, digits and "_"');
  });
});
