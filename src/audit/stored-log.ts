import type { CheckpointVerifier } from './audit-checkpoint.js';
import type { AuditEntry } from './audit-entry.js';
import type { AuditExport } from './audit-export.js';
import type { AuditLogStore } from './audit-log-store.js';
import { readAuditEntries } from './audit-query.js';
import { verifyAuditChain, type ChainReport } from './verify-audit-chain.js';

type ReadableLog = Pick<AuditLogStore, 'read' | 'checkpoints'>;

/** Verifies the whole stored log and its checkpoints. */
export async function verifyStoredLog(
  store: ReadableLog,
  options: { verifier: CheckpointVerifier; isUnsignedTailAllowed: boolean },
): Promise<ChainReport> {
  const entries: AuditEntry[] = [];
  for await (const entry of readAuditEntries(store)) entries.push(entry);
  const checkpoints = await store.checkpoints();
  return verifyAuditChain({ entries, checkpoints, ...options });
}

/**
 * Entries from `fromSeq` through the first checkpoint at or after `toSeq`, with that
 * checkpoint: its signature vouches, through the chain, for every entry of the range. When
 * no checkpoint reaches `toSeq` yet, the range ends at the last checkpoint there is.
 */
export async function exportStoredLog(
  store: ReadableLog,
  range: { fromSeq: number; toSeq: number; now: Date },
): Promise<AuditExport> {
  const checkpoints = await store.checkpoints();
  const eligible = checkpoints.filter((checkpoint) => checkpoint.seq >= range.fromSeq);
  const closing =
    eligible
      .filter((checkpoint) => checkpoint.seq >= range.toSeq)
      .sort((a, b) => a.seq - b.seq)[0] ?? eligible.sort((a, b) => b.seq - a.seq)[0];
  if (closing === undefined) {
    throw new Error(
      `no signed checkpoint covers entry ${range.fromSeq} yet; ` +
        'one is written at intervals and when Moat stops',
    );
  }

  const entries: AuditEntry[] = [];
  for await (const entry of readAuditEntries(store, {
    fromSeq: range.fromSeq,
    toSeq: closing.seq,
  })) {
    entries.push(entry);
  }
  const header = {
    format: 'moat-audit-export',
    version: 1,
    fromSeq: range.fromSeq,
    toSeq: closing.seq,
    exportedAt: range.now.toISOString(),
  } as const;
  return { header, entries, checkpoints: [closing] };
}
