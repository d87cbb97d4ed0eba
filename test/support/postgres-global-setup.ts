import pg from 'pg';
import type { TestProject } from 'vitest/node';

/** The database the store suite uses when MOAT_TEST_POSTGRES_URL is not set. */
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL URL tests may use, or null when PostgreSQL runs are skipped. */
    postgresUrl: string | null;
  }
}

/**
 * Probes PostgreSQL once for the whole run. When the variable is set (as CI sets it), an
 * unreachable server fails the run; otherwise the PostgreSQL runs are skipped, and the run
 * says so plainly rather than passing quietly with half its suite missing.
 */
export default async function setup(project: TestProject): Promise<void> {
  const explicitUrl = process.env.MOAT_TEST_POSTGRES_URL;
  const url = explicitUrl !== undefined && explicitUrl !== '' ? explicitUrl : DEFAULT_POSTGRES_URL;
  const problem = await probe(url);

  if (problem === undefined) {
    project.provide('postgresUrl', url);
    return;
  }
  if (explicitUrl !== undefined && explicitUrl !== '') {
    throw new Error(`MOAT_TEST_POSTGRES_URL is set but PostgreSQL is unreachable (${problem})`);
  }
  project.provide('postgresUrl', null);
  process.stdout.write(
    `\nSKIPPED the PostgreSQL runs of the store suite: no PostgreSQL at ${DEFAULT_POSTGRES_URL} ` +
      `(${problem}). Set MOAT_TEST_POSTGRES_URL to require them.\n\n`,
  );
}

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no answer';
  } finally {
    await client.end().catch(() => undefined);
  }
}
