import { GENESIS_HASH, hashAuditEntry, type AuditEntry } from './audit-entry.js';
import type { AuditCheckpoint, CheckpointVerifier } from './audit-checkpoint.js';

/** The ways a chain can be found broken. */
export const CHAIN_BREAK_KINDS = [
  'edited',
  'deleted',
  'reordered',
  'appended-by-hand',
  'truncated',
  'bad-checkpoint',
] as const;
export type ChainBreakKind = (typeof CHAIN_BREAK_KINDS)[number];

/** One place where the chain does not hold, with a sentence made of numbers only. */
export interface ChainBreak {
  kind: ChainBreakKind;
  seq: number;
  detail: string;
}

export interface ChainReport {
  isIntact: boolean;
  entryCount: number;
  firstSeq: number | null;
  lastSeq: number | null;
  checkpointCount: number;
  /** The highest entry a valid, matching checkpoint vouches for; 0 when none does. */
  coveredThroughSeq: number;
  /** The first breaks found, in sequence order. */
  breaks: ChainBreak[];
  /** How many breaks there were in all, including any beyond those listed. */
  breakCount: number;
}

export interface VerifyChainOptions {
  /** The entries, ordered by `seq` as the store returns them. */
  entries: readonly AuditEntry[];
  checkpoints: readonly AuditCheckpoint[];
  verifier: CheckpointVerifier;
  /**
   * Accept entries after the last checkpoint. True while Moat runs (they are covered at the
   * next checkpoint); false for a stopped Moat, which checkpoints before it stops.
   * @default false
   */
  isUnsignedTailAllowed?: boolean;
  /** For an exported range: the first entry need not be seq 1 nor point at the genesis. */
  isRange?: boolean;
}

/** Reported in full; past this, breaks are counted but not described. */
const MAX_LISTED_BREAKS = 50;

/** How many broken entries get the costly search for where they were moved from. */
const MAX_SEQ_SEARCHES = 20;

interface ChainCheck {
  options: VerifyChainOptions;
  hashes: ReadonlyMap<string, AuditEntry>;
  coveredThroughSeq: number;
  breaks: ChainBreak[];
  /** Entries whose own hash failed; the link of the entry after each is not blamed again. */
  badHashSeqs: Set<number>;
  seqSearchesLeft: number;
}

/**
 * Checks every entry's hash, every link, every sequence number and every checkpoint, and
 * says where and how the chain breaks: an entry edited, deleted, moved, appended by hand, or
 * a tail cut off below a signed checkpoint.
 */
export function verifyAuditChain(options: VerifyChainOptions): ChainReport {
  const { entries } = options;
  const check: ChainCheck = {
    options,
    hashes: new Map(entries.map((entry) => [entry.hash, entry])),
    coveredThroughSeq: 0,
    breaks: [],
    badHashSeqs: new Set(),
    seqSearchesLeft: MAX_SEQ_SEARCHES,
  };

  checkCheckpoints(check);
  entries.forEach((entry, index) => {
    checkEntry(check, entry, entries[index - 1]);
  });
  checkUnsignedTail(check);

  const breaks = [...check.breaks].sort((a, b) => a.seq - b.seq);
  return {
    isIntact: breaks.length === 0,
    entryCount: entries.length,
    firstSeq: entries[0]?.seq ?? null,
    lastSeq: entries.at(-1)?.seq ?? null,
    checkpointCount: options.checkpoints.length,
    coveredThroughSeq: check.coveredThroughSeq,
    breaks: breaks.slice(0, MAX_LISTED_BREAKS),
    breakCount: breaks.length,
  };
}

function checkCheckpoints(check: ChainCheck): void {
  const { entries, checkpoints, verifier } = check.options;
  const bySeq = new Map(entries.map((entry) => [entry.seq, entry]));
  const lastSeq = entries.at(-1)?.seq ?? 0;
  let truncatedThrough = 0;

  for (const checkpoint of checkpoints) {
    const { seq } = checkpoint;
    const entry = bySeq.get(seq);
    if (!verifier.verify(checkpoint)) {
      addBreak(check, {
        kind: 'bad-checkpoint',
        seq,
        detail: `the checkpoint at ${seq} has no valid signature`,
      });
    } else if (seq > lastSeq) {
      truncatedThrough = Math.max(truncatedThrough, seq);
    } else if (entry !== undefined && entry.hash !== checkpoint.hash) {
      const detail =
        `entry ${seq} differs from the one its checkpoint signed: ` +
        'it, or an entry before it, was rewritten and the chain redone';
      addBreak(check, { kind: 'edited', seq, detail });
    } else if (entry !== undefined) {
      check.coveredThroughSeq = Math.max(check.coveredThroughSeq, seq);
    }
  }

  if (truncatedThrough > 0) {
    const detail =
      `entries ${lastSeq + 1}-${truncatedThrough} were cut off: ` +
      `a signed checkpoint covers ${truncatedThrough}`;
    addBreak(check, { kind: 'truncated', seq: lastSeq + 1, detail });
  }
}

function checkEntry(check: ChainCheck, entry: AuditEntry, previous: AuditEntry | undefined): void {
  const expectedSeq = previous === undefined ? 1 : previous.seq + 1;
  const isFirstOfRange = previous === undefined && check.options.isRange === true;

  if (hashAuditEntry(entry) !== entry.hash) {
    reportBadHash(check, entry);
  } else if (entry.seq > expectedSeq && !isFirstOfRange) {
    const detail = `entries ${expectedSeq}-${entry.seq - 1} are missing before entry ${entry.seq}`;
    addBreak(check, { kind: 'deleted', seq: expectedSeq, detail });
  } else if (entry.seq < expectedSeq) {
    addBreak(check, {
      kind: 'reordered',
      seq: entry.seq,
      detail: `entry ${entry.seq} appears after ${expectedSeq - 1}`,
    });
  } else if (!isFirstOfRange && entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) {
    if (!check.badHashSeqs.has(entry.seq - 1)) reportBadLink(check, entry);
  }
}

/** The entry's own hash does not match: moved from another place, or changed. */
function reportBadHash(check: ChainCheck, entry: AuditEntry): void {
  check.badHashSeqs.add(entry.seq);
  if (isAfterCheckpoint(check, entry)) {
    addBreak(check, {
      kind: 'appended-by-hand',
      seq: entry.seq,
      detail: afterCheckpointDetail(check, entry),
    });
    return;
  }

  const originalSeq = findOriginalSeq(check, entry);
  if (originalSeq === undefined) {
    addBreak(check, {
      kind: 'edited',
      seq: entry.seq,
      detail: `entry ${entry.seq} was changed after it was written`,
    });
  } else if (originalSeq > entry.seq && !check.hashes.has(entry.prevHash)) {
    const detail =
      `entry ${entry.seq} was written as ${originalSeq}: ` +
      'entries before it were deleted and the rest renumbered';
    addBreak(check, { kind: 'deleted', seq: entry.seq, detail });
  } else {
    const detail = `entry ${entry.seq} was written as entry ${originalSeq} and moved`;
    addBreak(check, { kind: 'reordered', seq: entry.seq, detail });
  }
}

/** The entry is intact but points at something other than the entry before it. */
function reportBadLink(check: ChainCheck, entry: AuditEntry): void {
  const pointedAt = check.hashes.get(entry.prevHash);
  if (isAfterCheckpoint(check, entry)) {
    addBreak(check, {
      kind: 'appended-by-hand',
      seq: entry.seq,
      detail: afterCheckpointDetail(check, entry),
    });
  } else if (pointedAt !== undefined) {
    const detail = `entry ${entry.seq} follows entry ${pointedAt.seq}, not ${entry.seq - 1}`;
    addBreak(check, { kind: 'reordered', seq: entry.seq, detail });
  } else {
    const seq = entry.seq - 1;
    const detail =
      `entry ${seq} was rewritten with a new hash: ` +
      `entry ${entry.seq} was chained to another version of it`;
    addBreak(check, { kind: 'edited', seq, detail });
  }
}

/**
 * Looks for the sequence number under which this entry's content does hash to its stored
 * hash. Neighbours and the place its link points at are tried first; then, for the first few
 * broken entries, the whole range.
 */
function findOriginalSeq(check: ChainCheck, entry: AuditEntry): number | undefined {
  const linked = check.hashes.get(entry.prevHash);
  const likely = [entry.seq + 1, entry.seq - 1, ...(linked === undefined ? [] : [linked.seq + 1])];
  const matches = (seq: number): boolean =>
    seq !== entry.seq && seq > 0 && hashAuditEntry({ ...entry, seq }) === entry.hash;

  const found = likely.find(matches);
  if (found !== undefined || check.seqSearchesLeft <= 0) return found;

  check.seqSearchesLeft -= 1;
  const { entries } = check.options;
  const last = (entries.at(-1)?.seq ?? 0) + entries.length;
  for (let seq = 1; seq <= last; seq += 1) if (matches(seq)) return seq;
  return undefined;
}

function checkUnsignedTail(check: ChainCheck): void {
  const lastSeq = check.options.entries.at(-1)?.seq ?? 0;
  if (check.options.isUnsignedTailAllowed === true || lastSeq <= check.coveredThroughSeq) return;
  const firstUncovered = check.coveredThroughSeq + 1;
  const isExplained = check.breaks.some(
    (found) => found.kind !== 'bad-checkpoint' && found.seq >= firstUncovered,
  );
  if (isExplained) return;

  const detail =
    `entries ${firstUncovered}-${lastSeq} come after the last signed checkpoint: ` +
    'appended by hand, or Moat stopped without its closing checkpoint';
  addBreak(check, { kind: 'appended-by-hand', seq: firstUncovered, detail });
}

function isAfterCheckpoint(check: ChainCheck, entry: AuditEntry): boolean {
  return check.coveredThroughSeq > 0 && entry.seq > check.coveredThroughSeq;
}

function afterCheckpointDetail(check: ChainCheck, entry: AuditEntry): string {
  return (
    `entry ${entry.seq} comes after the last signed checkpoint (${check.coveredThroughSeq}) ` +
    'and does not fit the chain: appended or altered by hand'
  );
}

function addBreak(check: ChainCheck, found: ChainBreak): void {
  check.breaks.push(found);
}
