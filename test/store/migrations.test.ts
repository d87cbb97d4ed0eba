import { afterEach, expect, it } from 'vitest';
import { openStore, type MoatStore } from '../../src/store/index.js';
import { POSTGRES_SCHEMAS } from '../../src/store/postgres/schemas.js';
import { SQLITE_SCHEMAS } from '../../src/store/sqlite/schemas.js';
import { latestVersion } from '../../src/store/store-schema.js';
import { describeEachBackend } from '../support/store-backends.js';

const opened: MoatStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

it('gives both backends the same parts at the same versions, in the same order', () => {
  const outline = (schemas: typeof SQLITE_SCHEMAS) =>
    schemas.map((schema) => ({
      part: schema.part,
      versions: schema.steps.map((step) => step.version),
    }));
  expect(outline(POSTGRES_SCHEMAS)).toEqual(outline(SQLITE_SCHEMAS));

  for (const schema of SQLITE_SCHEMAS) {
    const versions = schema.steps.map((step) => step.version);
    expect(versions).toEqual(versions.map((_, index) => index + 1));
  }
});

const migrationCount = SQLITE_SCHEMAS.reduce((sum, schema) => sum + latestVersion(schema), 0);

describeEachBackend('store migrations', (harness) => {
  it('records each step once and does not reapply them on reopen', async () => {
    const location = await harness.newLocation();
    await (await openStore(location)).close();
    await (await openStore(location)).close();

    const row = await harness.queryOne(
      location,
      'SELECT count(*) AS steps, count(DISTINCT part) AS parts FROM store_migrations',
    );
    expect(Number(row?.steps)).toBe(migrationCount);
    expect(Number(row?.parts)).toBe(SQLITE_SCHEMAS.length);
  });

  it('lets two stores open a new location at once', async () => {
    const location = await harness.newLocation();
    const stores = await Promise.all([openStore(location), openStore(location)]);
    opened.push(...stores);

    const row = await harness.queryOne(location, 'SELECT count(*) AS steps FROM store_migrations');
    expect(Number(row?.steps)).toBe(migrationCount);
  });

  it.each([
    ['a newer version of a known part', `'api-keys', 99`, 'part "api-keys" at schema version 99'],
    ['a part this build does not know', `'hologram', 1`, 'part "hologram" (version 1), unknown'],
  ])('refuses a store holding %s and leaves it unchanged', async (_, values, reason) => {
    const location = await harness.newLocation();
    await (await openStore(location)).close();
    await harness.exec(
      location,
      `INSERT INTO store_migrations (part, version, description, applied_at)
       VALUES (${values}, 'from a newer Moat', '2999-01-01')`,
    );
    const before = await harness.dump(location);

    const opening = openStore(location);
    await expect(opening).rejects.toThrow(reason);
    await expect(opening).rejects.toThrow('it was written by a newer Moat');
    expect(stripDumpNoise(await harness.dump(location))).toEqual(stripDumpNoise(before));
  });
});

/** pg_dump prints its own and the server's version and a random restrict key; nothing else varies. */
function stripDumpNoise(dump: Buffer): string {
  return dump
    .toString('latin1')
    .split('\n')
    .filter((line) => !/^\\(un)?restrict |^-- Dumped (from|by)/.test(line))
    .join('\n');
}
