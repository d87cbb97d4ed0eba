import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '../crypto/index.js';
import { makeCheckpoint, type AuditCheckpoint } from './audit-checkpoint.js';
import { checkpointSigner, checkpointVerifier } from './checkpoint-keys.js';
import { hashAuditEntry, sealAuditEntry, type AuditEntry } from './audit-entry.js';
import { verifyAuditChain, type ChainReport } from './verify-audit-chain.js';

const signingKey = generateSigningKeyPair();
const signer = checkpointSigner(signingKey);
const verifier = checkpointVerifier([signingKey.publicKey]);

/** A chain of `count` entries with a checkpoint over the whole of it. */
function buildChain(count: number): { entries: AuditEntry[]; checkpoints: AuditCheckpoint[] } {
  const entries: AuditEntry[] = [];
  for (let n = 0; n < count; n += 1) {
    const entry = sealAuditEntry(
      entries.at(-1),
      {
        actor: { kind: 'key', id: `key${n % 3}`, role: 'admin' },
        action: n % 2 === 0 ? 'key.created' : 'admin.request',
        targets: [`key:k${n}`],
        outcome: 'ok',
      },
      new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
    );
    entries.push(entry);
  }
  const head = entries.at(-1) ?? { seq: 0, hash: '' };
  const checkpoint = makeCheckpoint(signer, {
    seq: head.seq,
    hash: head.hash,
    time: new Date().toISOString(),
    reason: 'shutdown',
  });
  return { entries, checkpoints: [checkpoint] };
}

function check(
  entries: AuditEntry[],
  checkpoints: AuditCheckpoint[],
  extra: { isUnsignedTailAllowed?: boolean; isRange?: boolean } = {},
): ChainReport {
  return verifyAuditChain({ entries, checkpoints, verifier, ...extra });
}

function rehash(entry: Omit<AuditEntry, 'hash'>): AuditEntry {
  return { ...entry, hash: hashAuditEntry(entry) };
}

describe('verifyAuditChain', () => {
  it('accepts an untouched chain with its checkpoint', () => {
    const { entries, checkpoints } = buildChain(10);
    const report = check(entries, checkpoints);
    expect(report).toMatchObject({ isIntact: true, entryCount: 10, coveredThroughSeq: 10 });
    expect(report.breaks).toEqual([]);
  });

  it('names an entry edited in place', () => {
    const { entries, checkpoints } = buildChain(10);
    entries[4] = { ...(entries[4] as AuditEntry), outcome: 'refused' };
    const report = check(entries, checkpoints);
    expect(report.isIntact).toBe(false);
    expect(report.breaks).toEqual([
      { kind: 'edited', seq: 5, detail: 'entry 5 was changed after it was written' },
    ]);
  });

  it('names an entry edited and given a fresh hash', () => {
    const { entries, checkpoints } = buildChain(10);
    entries[4] = rehash({ ...(entries[4] as AuditEntry), targets: ['key:other'] });
    const report = check(entries, checkpoints);
    expect(report.breaks.map((found) => [found.kind, found.seq])).toEqual([['edited', 5]]);
  });

  it('names the checkpointed entry when a stretch is rewritten and rehashed', () => {
    const { entries, checkpoints } = buildChain(10);
    let previous: AuditEntry | undefined = entries[3];
    for (let index = 4; index < 10; index += 1) {
      const changed = { ...(entries[index] as AuditEntry), prevHash: previous?.hash ?? '' };
      if (index === 4) changed.reason = 'inserted later';
      previous = rehash(changed);
      entries[index] = previous;
    }
    const report = check(entries, checkpoints);
    expect(report.breaks.map((found) => [found.kind, found.seq])).toEqual([['edited', 10]]);
    expect(report.coveredThroughSeq).toBe(0);
  });

  it('names a deleted entry', () => {
    const { entries, checkpoints } = buildChain(10);
    entries.splice(6, 1);
    expect(check(entries, checkpoints).breaks).toEqual([
      { kind: 'deleted', seq: 7, detail: 'entries 7-7 are missing before entry 8' },
    ]);
  });

  it('names entries deleted when the rest were renumbered', () => {
    const { entries, checkpoints } = buildChain(10);
    entries.splice(3, 1);
    const renumbered = entries.map((entry, index) => ({ ...entry, seq: index + 1 }));
    const report = check(renumbered, checkpoints);
    expect(report.breaks[0]).toMatchObject({ kind: 'deleted', seq: 4 });
  });

  it('names entries that swapped places', () => {
    const { entries, checkpoints } = buildChain(10);
    const [third, eighth] = [entries[2] as AuditEntry, entries[7] as AuditEntry];
    entries[2] = { ...eighth, seq: 3 };
    entries[7] = { ...third, seq: 8 };
    const report = check(entries, checkpoints);
    expect(report.breaks).toEqual([
      { kind: 'reordered', seq: 3, detail: 'entry 3 was written as entry 8 and moved' },
      { kind: 'reordered', seq: 8, detail: 'entry 8 was written as entry 3 and moved' },
    ]);
  });

  it('names neighbours that swapped places', () => {
    const { entries, checkpoints } = buildChain(10);
    const [fifth, sixth] = [entries[4] as AuditEntry, entries[5] as AuditEntry];
    entries[4] = { ...sixth, seq: 5 };
    entries[5] = { ...fifth, seq: 6 };
    const kinds = check(entries, checkpoints).breaks.map((found) => [found.kind, found.seq]);
    expect(kinds).toEqual([
      ['reordered', 5],
      ['reordered', 6],
    ]);
  });

  it('names an entry appended by hand with a correct hash after the last checkpoint', () => {
    const { entries, checkpoints } = buildChain(10);
    entries.push(
      sealAuditEntry(
        entries.at(-1),
        {
          actor: { kind: 'key', id: 'intruder', role: 'admin' },
          action: 'key.revoked',
          outcome: 'ok',
        },
        new Date(),
      ),
    );
    const report = check(entries, checkpoints);
    expect(report.breaks).toHaveLength(1);
    expect(report.breaks[0]).toMatchObject({ kind: 'appended-by-hand', seq: 11 });
    expect(check(entries, checkpoints, { isUnsignedTailAllowed: true }).isIntact).toBe(true);
  });

  it('names an entry appended by hand that does not chain', () => {
    const { entries, checkpoints } = buildChain(10);
    const last = entries.at(-1) as AuditEntry;
    entries.push({ ...last, seq: 11, hash: 'f'.repeat(64) });
    const report = check(entries, checkpoints, { isUnsignedTailAllowed: true });
    expect(report.breaks).toHaveLength(1);
    expect(report.breaks[0]).toMatchObject({ kind: 'appended-by-hand', seq: 11 });
  });

  it('names a tail cut off below a signed checkpoint', () => {
    const { entries, checkpoints } = buildChain(10);
    const report = check(entries.slice(0, 7), checkpoints);
    expect(report.breaks).toEqual([
      {
        kind: 'truncated',
        seq: 8,
        detail: 'entries 8-10 were cut off: a signed checkpoint covers 10',
      },
    ]);
  });

  it('refuses a checkpoint whose signature does not verify', () => {
    const { entries, checkpoints } = buildChain(10);
    const forged = { ...(checkpoints[0] as AuditCheckpoint), seq: 12 };
    const report = check(entries, [forged]);
    expect(report.breaks.map((found) => found.kind)).toEqual([
      'appended-by-hand',
      'bad-checkpoint',
    ]);
  });

  it('verifies an exported range that starts past the first entry', () => {
    const { entries, checkpoints } = buildChain(10);
    expect(check(entries.slice(4), checkpoints, { isRange: true }).isIntact).toBe(true);
    expect(check(entries.slice(4), checkpoints).isIntact).toBe(false);
  });

  it('treats an empty log as intact', () => {
    expect(check([], []).isIntact).toBe(true);
  });
});
