/**
 * What the audit log costs: appends through `AuditLog` (hash chain, serialised head, a
 * signed checkpoint every 1000 entries) against plain inserts of the same rows into the same
 * kind of store, in alternating rounds; and the time to verify 100k entries against the time
 * just to hash them. PostgreSQL runs too when it answers on loopback.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  AuditLog,
  checkpointSigner,
  checkpointVerifier,
  hashAuditEntry,
  makeCheckpoint,
  sealAuditEntry,
  verifyAuditChain,
  type AuditCheckpoint,
  type AuditEntry,
  type AuditRecordInput,
} from '../src/audit/index.js';
import { generateSigningKeyPair } from '../src/crypto/index.js';
import { openPostgresStore, openSqliteStore, type MoatStore } from '../src/store/index.js';

const ROUNDS = 3;
/** Appends per round; PostgreSQL commits each to disk, so it gets fewer. */
const APPENDS_PER_ROUND = { SQLite: 2000, PostgreSQL: 300 } as const;
const VERIFIED_ENTRIES = 100_000;
const CHECKPOINT_EVERY = 1000;
const POSTGRES_URL =
  process.env.MOAT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const signingKey = generateSigningKeyPair();
const sampleInput: AuditRecordInput = {
  actor: { kind: 'key', id: 'abcdefghijkl', role: 'admin' },
  action: 'key.created',
  targets: ['key:mnopqrstuvwx'],
  outcome: 'ok',
};

/** A place to append to: the audit log over a store, and a plain insert beside it. */
interface AppendSide {
  name: keyof typeof APPENDS_PER_ROUND;
  audited: (count: number) => Promise<void>;
  plain: (count: number) => Promise<void>;
  close: () => Promise<void>;
}

async function entriesPerSecond(
  append: (count: number) => Promise<void>,
  count: number,
): Promise<number> {
  const startMs = performance.now();
  await append(count);
  return (count * 1000) / (performance.now() - startMs);
}

function auditedAppends(store: MoatStore): (count: number) => Promise<void> {
  const log = new AuditLog({ store: store.audit, signer: checkpointSigner(signingKey) });
  return async (count) => {
    for (let index = 0; index < count; index += 1) await log.record(sampleInput);
  };
}

function sqliteSide(folder: string): AppendSide {
  const store = openSqliteStore(join(folder, 'moat.db'));
  const plainDb = new Database(join(folder, 'plain.db'));
  plainDb.pragma('journal_mode = WAL');
  plainDb.exec('CREATE TABLE rows (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = plainDb.prepare('INSERT INTO rows (body) VALUES (?)');
  const body = JSON.stringify(sampleInput);

  return {
    name: 'SQLite',
    audited: auditedAppends(store),
    plain: async (count) => {
      for (let index = 0; index < count; index += 1) insert.run(body);
      return Promise.resolve();
    },
    close: async () => {
      plainDb.close();
      await store.close();
    },
  };
}

async function postgresSide(): Promise<AppendSide | undefined> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const schema = `moat_bench_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`CREATE TABLE ${schema}.rows (seq BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)`);
  const store = await openPostgresStore({ url: POSTGRES_URL, schema });
  const body = JSON.stringify(sampleInput);

  return {
    name: 'PostgreSQL',
    audited: auditedAppends(store),
    plain: async (count) => {
      for (let index = 0; index < count; index += 1) {
        await admin.query(`INSERT INTO ${schema}.rows (body) VALUES ($1)`, [body]);
      }
    },
    close: async () => {
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}

async function appendRow(side: AppendSide): Promise<string> {
  const count = APPENDS_PER_ROUND[side.name];
  let audited = 0;
  let plain = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    audited = Math.max(audited, await entriesPerSecond(side.audited, count));
    plain = Math.max(plain, await entriesPerSecond(side.plain, count));
  }
  const ratio = ((audited / plain) * 100).toFixed(0);
  return (
    `  append, ${side.name}: ${Math.round(audited).toLocaleString('en')} entries/s, ` +
    `plain insert ${Math.round(plain).toLocaleString('en')} rows/s (${ratio}%)`
  );
}

/** A chain of `count` entries with a signed checkpoint every 1000, built in memory. */
function buildChain(count: number): { entries: AuditEntry[]; checkpoints: AuditCheckpoint[] } {
  const signer = checkpointSigner(signingKey);
  const entries: AuditEntry[] = [];
  const checkpoints: AuditCheckpoint[] = [];
  const now = new Date();
  for (let index = 0; index < count; index += 1) {
    const entry = sealAuditEntry(entries.at(-1), sampleInput, now);
    entries.push(entry);
    if (entry.seq % CHECKPOINT_EVERY === 0 || index === count - 1) {
      const payload = { seq: entry.seq, hash: entry.hash, time: entry.time } as const;
      checkpoints.push(makeCheckpoint(signer, { ...payload, reason: 'interval' }));
    }
  }
  return { entries, checkpoints };
}

function verifyRow(): string {
  const { entries, checkpoints } = buildChain(VERIFIED_ENTRIES);
  const verifier = checkpointVerifier([signingKey.publicKey]);

  const verifyStartMs = performance.now();
  const report = verifyAuditChain({ entries, checkpoints, verifier });
  const verifyMs = performance.now() - verifyStartMs;
  if (!report.isIntact) throw new Error('the bench chain did not verify');

  const hashStartMs = performance.now();
  for (const entry of entries) hashAuditEntry(entry);
  const hashMs = performance.now() - hashStartMs;
  return (
    `  verify 100k entries (${checkpoints.length} checkpoints), in memory: ` +
    `${verifyMs.toFixed(0)} ms; hashing them alone ${hashMs.toFixed(0)} ms`
  );
}

/** Prints the audit section of the bench. */
export async function runAuditBench(): Promise<void> {
  console.log('audit log:');
  const folder = mkdtempSync(join(tmpdir(), 'moat-audit-bench-'));
  try {
    const sides = [sqliteSide(folder)];
    const postgres = await postgresSide();
    if (postgres === undefined) console.log('  PostgreSQL not reachable on loopback: skipped');
    else sides.push(postgres);
    for (const side of sides) {
      try {
        console.log(await appendRow(side));
      } finally {
        await side.close();
      }
    }
    console.log(verifyRow());
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
