import { z } from 'zod';
import type { AuditCheckpoint } from './audit-checkpoint.js';
import type { AuditEntry } from './audit-entry.js';

/** The first line of an export, saying what the file is. */
export interface AuditExportHeader {
  format: 'moat-audit-export';
  version: 1;
  fromSeq: number;
  toSeq: number;
  exportedAt: string;
}

export interface AuditExport {
  header: AuditExportHeader;
  entries: AuditEntry[];
  checkpoints: AuditCheckpoint[];
}

const headerSchema = z.strictObject({
  format: z.literal('moat-audit-export'),
  version: z.literal(1),
  fromSeq: z.number().int().nonnegative(),
  toSeq: z.number().int().nonnegative(),
  exportedAt: z.string(),
});

const text = z.string().max(1000);
const entrySchema = z.strictObject({
  type: z.literal('entry'),
  seq: z.number().int().positive(),
  time: text,
  actor: z.strictObject({ kind: text, id: text, role: text }),
  action: text,
  targets: z.array(text).max(64),
  outcome: text,
  reason: text.nullable(),
  prevHash: text,
  hash: text,
});

const checkpointSchema = z.strictObject({
  type: z.literal('checkpoint'),
  seq: z.number().int().positive(),
  hash: text,
  time: text,
  reason: text,
  keyId: text,
  signature: text,
});

/**
 * JSON Lines: a header, the entries in order, then the checkpoints that cover them. Every
 * line is plain JSON, so an auditor can also check it with their own tools: each entry's
 * hash is SHA-256 over `encodeAuditEntry`, and each checkpoint an Ed25519 signature.
 */
export function formatAuditExport(exported: AuditExport): string {
  const lines = [
    JSON.stringify(exported.header),
    ...exported.entries.map((entry) => JSON.stringify({ type: 'entry', ...entry })),
    ...exported.checkpoints.map((checkpoint) =>
      JSON.stringify({ type: 'checkpoint', ...checkpoint }),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** Reads an export; a bad line is named by its number, never quoted. */
export function parseAuditExport(fileText: string): AuditExport {
  const lines = fileText.split('\n').filter((line) => line.trim() !== '');
  const header = headerSchema.safeParse(parseLine(lines[0], 1));
  if (!header.success) throw new Error('line 1 of the export is not a Moat audit export header');
  const entries: AuditEntry[] = [];
  const checkpoints: AuditCheckpoint[] = [];

  lines.slice(1).forEach((line, index) => {
    const value = parseLine(line, index + 2);
    const kind = (value as { type?: unknown } | null)?.type;
    const parsed =
      kind === 'entry' ? entrySchema.safeParse(value) : checkpointSchema.safeParse(value);
    if (!parsed.success)
      throw new Error(`line ${index + 2} of the export is not an entry or a checkpoint`);

    const { type, ...rest } = parsed.data;
    if (type === 'entry') entries.push(rest as unknown as AuditEntry);
    else checkpoints.push(rest as unknown as AuditCheckpoint);
  });
  return { header: header.data, entries, checkpoints };
}

function parseLine(line: string | undefined, lineNumber: number): unknown {
  try {
    return JSON.parse(line ?? '');
  } catch {
    throw new Error(`line ${lineNumber} of the export is not JSON`);
  }
}
