/**
 * What memory's encryption costs, and what erasure costs. Saves, reads and searches go
 * through the memory service (per-item keys, sealing, blind index) and, beside them, the
 * same rows written and read plainly in the same kind of store, in alternating rounds.
 * Erasure is timed as the owner's item count grows and as the number of backups grows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SecretKey } from '../src/crypto/index.js';
import { createBackup, openMemory, type Memory } from '../src/memory/index.js';
import { openSqliteStore, type MemoryItemRecord } from '../src/store/index.js';

const ROUNDS = 3;
const OPERATIONS_PER_ROUND = 300;
const TEXT = 'The quarterly report notes rising costs in the northern warehouse. '.repeat(30);

async function openBenchMemory(folder: string, name: string): Promise<Memory> {
  return openMemory({
    store: openSqliteStore(join(folder, `${name}.db`)),
    masterKey: SecretKey.generate(),
    retention: { defaultDays: 30, maxDays: 365, kinds: {}, dataClasses: {} },
    epochs: { epochLengthMs: 86_400_000, keepAfterEndMs: 0 },
    epochKeyFile: join(folder, `${name}-epochs.json`),
  });
}

function plainRecord(ownerId: string): MemoryItemRecord {
  const now = new Date();
  const content = Buffer.from(TEXT);
  return {
    id: `mem_${randomBytes(16).toString('hex')}`,
    ownerId,
    kind: 'document',
    dataClass: 'general',
    createdAt: now,
    expiresAt: new Date(now.getTime() + 86_400_000),
    sizeBytes: content.length,
    keyId: 'none',
    content,
    vector: null,
  };
}

async function rate(count: number, work: (index: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < count; index += 1) await work(index);
  return count / ((performance.now() - started) / 1000);
}

async function throughput(folder: string): Promise<void> {
  const memory = await openBenchMemory(folder, 'throughput');
  const plainWords = TEXT.toLowerCase().split(/\W+/).filter(Boolean);
  const saved: string[] = [];
  const plain: string[] = [];
  const figures = {
    save: { encrypted: 0, plain: 0 },
    read: { encrypted: 0, plain: 0 },
    search: { encrypted: 0, plain: 0 },
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    figures.save.encrypted += await rate(OPERATIONS_PER_ROUND, async () => {
      const item = await memory.service.save(
        { ownerId: 'enc', kind: 'document', dataClass: 'general', retentionParam: 'x' },
        { text: TEXT },
      );
      saved.push(item.id);
    });
    figures.save.plain += await rate(OPERATIONS_PER_ROUND, async () => {
      const record = plainRecord('plain');
      await memory.store.memory.insert(record, [...new Set(plainWords)]);
      plain.push(record.id);
    });
    figures.read.encrypted += await rate(OPERATIONS_PER_ROUND, (i) =>
      memory.service.get('enc', saved[i] ?? ''),
    );
    figures.read.plain += await rate(OPERATIONS_PER_ROUND, (i) =>
      memory.store.memory.find('plain', plain[i] ?? ''),
    );
    figures.search.encrypted += await rate(OPERATIONS_PER_ROUND / 10, () =>
      memory.service.search('enc', 'northern warehouse', 5),
    );
    figures.search.plain += await rate(OPERATIONS_PER_ROUND / 10, async () => {
      const found = await memory.store.memory.matchTokens('plain', ['northern', 'warehouse'], 5);
      for (const match of found) await memory.store.memory.find('plain', match.id);
    });
  }
  console.log(
    '\nmemory on SQLite, operations per second (encrypted vs the same rows in plaintext):',
  );
  for (const [name, { encrypted, plain: bare }] of Object.entries(figures)) {
    const line = `  ${name.padEnd(7)} encrypted ${(encrypted / ROUNDS).toFixed(0).padStart(7)}/s`;
    console.log(
      `${line}   plaintext ${(bare / ROUNDS).toFixed(0).padStart(7)}/s   ratio ${(encrypted / bare).toFixed(2)}`,
    );
  }
  await memory.store.close();
}

async function eraseTime(folder: string, items: number, backups: number): Promise<number> {
  const memory = await openBenchMemory(folder, `erase-${items}-${backups}`);
  for (let index = 0; index < items; index += 1) {
    await memory.service.save(
      { ownerId: 'owner', kind: 'document', dataClass: 'general', retentionParam: 'x' },
      { text: `note ${index}` },
    );
  }
  for (let index = 0; index < backups; index += 1) {
    await createBackup(memory.store, memory.epochKeys, new Date());
  }
  const started = performance.now();
  await memory.eraser.eraseOwner('owner', 'bench');
  const elapsedMs = performance.now() - started;
  await memory.store.close();
  return elapsedMs;
}

export async function runMemoryBench(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'moat-memory-bench-'));
  try {
    await throughput(folder);
    console.log('\nerasing one owner (ms), by items owned and backups taken before:');
    for (const items of [100, 1000]) {
      const cells = [];
      for (const backups of [0, 5, 20])
        cells.push(
          `${backups} backups ${(await eraseTime(folder, items, backups)).toFixed(1).padStart(7)}`,
        );
      console.log(`  ${String(items).padStart(5)} items: ${cells.join('   ')}`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
