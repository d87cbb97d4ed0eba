import type { KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  AUDIT_ACTIONS,
  checkpointVerifier,
  matchesActionFilter,
  exportStoredLog,
  findAuditEntries,
  formatAuditEntry,
  formatAuditExport,
  parseAuditExport,
  verifyAuditChain,
  verifyStoredLog,
  type AuditFilter,
  type ChainReport,
} from '../audit/index.js';
import { exportPublicKeyPem, importPublicKeyPem } from '../crypto/index.js';
import { readPublicKey as readStoredPublicKey } from '../memory/index.js';
import type { MoatStore } from '../store/index.js';
import {
  EXIT_CODES,
  parseOrUsageError,
  UsageError,
  type CliCommand,
  type CliContext,
  type ExitCode,
} from './cli-support.js';
import { DATA_DIR_OPTIONS_HELP } from './data-dir.js';
import { withStore } from './with-store.js';

const STORE_OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const;

const verifyCommand: CliCommand = {
  summary: 'Check the audit log hash chain and its signed checkpoints',
  help: `Usage: moat audit verify [options]
       moat audit verify --file EXPORT --public-key PEM

Checks every entry's hash and link and every checkpoint's signature, and names each place
where the log breaks: an entry edited, deleted, reordered or appended by hand, or a tail
cut off below a checkpoint. Exits 1 when the log is broken.

Options:
  --live              Moat is running: entries after the last checkpoint are expected
  --file EXPORT       Check a file written by "moat audit export" instead of the store
  --public-key PEM    The checkpoint signing public key (SPKI PEM); needed with --file,
                      else the store's own public key is used
  --json              Print the report as one JSON object
${DATA_DIR_OPTIONS_HELP}`,
  run: runVerify,
};

const showCommand: CliCommand = {
  summary: 'List audit entries, filtered by actor, action, target and time',
  help: `Usage: moat audit show [options]

Prints matching entries, oldest first: sequence, time, actor, action, outcome, targets
and reason. Entries never hold content, only ids and short hashes.

Options:
  --actor ID          An actor id, or kind:id (key:abcd..., system:moat)
  --action NAME       An action (key.created) or a family (break-glass)
  --target ID         A target (key:abcd...) or just its id
  --since TIME        ISO 8601 time; entries at or after it
  --until TIME        ISO 8601 time; entries at or before it
  --limit N           At most N entries (default 1000)
  --json              JSON Lines, one entry per line
${DATA_DIR_OPTIONS_HELP}`,
  run: runShow,
};

const exportCommand: CliCommand = {
  summary: 'Write a range of the audit log with its signed checkpoint',
  help: `Usage: moat audit export --out FILE [options]

Writes entries from --from through the first signed checkpoint at or after --to, with
that checkpoint, as JSON Lines. Anyone with the public key can check the file with
"moat audit verify --file FILE --public-key PEM".

Options:
  --out FILE          Where to write ("-" for standard output)
  --from SEQ          First entry (default 1)
  --to SEQ            Last entry wanted (default: the newest)
${DATA_DIR_OPTIONS_HELP}`,
  run: runExport,
};

const publicKeyCommand: CliCommand = {
  summary: "Print Moat's public key, which checks checkpoints and deletion receipts",
  help: `Usage: moat audit public-key [--out FILE] [options]

Prints the Ed25519 public key (SPKI PEM) that signs the audit log's checkpoints and the
deletion receipts. Keep a copy apart from Moat's store: checking exports and receipts
against it shows that they come from this Moat.

Options:
  --out FILE          Write the key here instead of standard output
${DATA_DIR_OPTIONS_HELP}`,
  run: runPublicKey,
};

export const AUDIT_SUBCOMMANDS = {
  verify: verifyCommand,
  show: showCommand,
  export: exportCommand,
  'public-key': publicKeyCommand,
} as const satisfies Record<string, CliCommand>;

async function runPublicKey(args: string[], context: CliContext): Promise<ExitCode> {
  const options = { ...STORE_OPTIONS, out: { type: 'string' } } as const;
  const { values } = parseOrUsageError(() => parseArgs({ args, options, strict: true }));
  if (values.help === true) return printText(context, publicKeyCommand.help);

  const publicKey = await withStore({ values, context, mustExist: true }, (store) =>
    readStoredPublicKey(store.keyring),
  );
  if (publicKey === undefined) throw new Error('the store has no signing key yet; start Moat once');
  const pem = exportPublicKeyPem(publicKey);
  if (values.out === undefined) context.output.print(pem.trimEnd());
  else writeFileSync(values.out, pem, { mode: 0o644 });
  return EXIT_CODES.ok;
}

async function runVerify(args: string[], context: CliContext): Promise<ExitCode> {
  const options = {
    ...STORE_OPTIONS,
    live: { type: 'boolean' },
    file: { type: 'string' },
    'public-key': { type: 'string' },
  } as const;
  const { values } = parseOrUsageError(() => parseArgs({ args, options, strict: true }));
  if (values.help === true) return printText(context, verifyCommand.help);

  const report =
    values.file === undefined
      ? await verifyStore(values, context)
      : verifyFile(values.file, values['public-key']);
  context.output.print(values.json === true ? JSON.stringify(report) : formatReport(report));
  return report.isIntact ? EXIT_CODES.ok : EXIT_CODES.failure;
}

async function verifyStore(
  values: { data?: string; config?: string; live?: boolean; 'public-key'?: string },
  context: CliContext,
): Promise<ChainReport> {
  return withStore({ values, context, mustExist: true }, async (store) => {
    const publicKeys = [await publicKeyFor(store, values['public-key'])];
    return verifyStoredLog(store.audit, {
      verifier: checkpointVerifier(publicKeys),
      isUnsignedTailAllowed: values.live === true,
    });
  });
}

function verifyFile(file: string, publicKeyFile: string | undefined): ChainReport {
  const exported = parseAuditExport(readFileSync(file, 'utf8'));
  return verifyAuditChain({
    entries: exported.entries,
    checkpoints: exported.checkpoints,
    verifier: checkpointVerifier([readPublicKey(requirePublicKey(publicKeyFile))]),
    isRange: true,
  });
}

/**
 * The key named on the command line, else the one the store holds. Checking against the
 * store's own key shows the log is consistent; an auditor who keeps the PEM apart (from
 * `moat audit public-key`) also rules out a store whose key was replaced.
 */
async function publicKeyFor(store: MoatStore, file: string | undefined): Promise<KeyObject> {
  if (file !== undefined) return readPublicKey(file);
  const stored = await readStoredPublicKey(store.keyring);
  if (stored === undefined) throw new Error('the store has no signing key yet; give --public-key');
  return stored;
}

/** A mistyped action would match nothing and look like a clean record, so it is refused. */
function knownAction(action: string): string {
  const actions = Object.keys(AUDIT_ACTIONS);
  const isKnown = actions.some((known) => matchesActionFilter(known, action));
  if (!isKnown) {
    const families = [...new Set(actions.map((known) => known.split('.')[0]))].join(', ');
    throw new UsageError(`--action must be an action or one of the families ${families}`);
  }
  return action;
}

function requirePublicKey(file: string | undefined): string {
  if (file === undefined) throw new UsageError('--public-key is required');
  return file;
}

function readPublicKey(file: string): KeyObject {
  return importPublicKeyPem(readFileSync(file, 'utf8'));
}

function formatReport(report: ChainReport): string {
  const span =
    report.entryCount === 0
      ? 'no entries'
      : `${report.entryCount} entries (${report.firstSeq}-${report.lastSeq})`;
  const lines = [
    `Audit log: ${span}, ${report.checkpointCount} checkpoints, ` +
      `signed through entry ${report.coveredThroughSeq}.`,
  ];
  if (report.isIntact) return [...lines, 'Intact.'].join('\n');

  lines.push(`BROKEN: ${report.breakCount} problem${report.breakCount === 1 ? '' : 's'}.`);
  for (const found of report.breaks)
    lines.push(`  entry ${found.seq}: ${found.kind}: ${found.detail}`);
  if (report.breakCount > report.breaks.length) {
    lines.push(`  and ${report.breakCount - report.breaks.length} more`);
  }
  return lines.join('\n');
}

async function runShow(args: string[], context: CliContext): Promise<ExitCode> {
  const options = {
    ...STORE_OPTIONS,
    actor: { type: 'string' },
    action: { type: 'string' },
    target: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string' },
  } as const;
  const { values } = parseOrUsageError(() => parseArgs({ args, options, strict: true }));
  if (values.help === true) return printText(context, showCommand.help);
  const filter = toFilter(values);
  const limit = parsePositive(values.limit ?? '1000', '--limit');

  const entries = await withStore({ values, context, mustExist: true }, (store) =>
    findAuditEntries(store.audit, { filter, limit }),
  );
  if (values.json === true) {
    if (entries.length > 0)
      context.output.print(entries.map((entry) => JSON.stringify(entry)).join('\n'));
  } else {
    context.output.print(
      entries.length === 0
        ? 'No matching audit entries.'
        : entries.map(formatAuditEntry).join('\n'),
    );
  }
  return EXIT_CODES.ok;
}

function toFilter(values: {
  actor?: string;
  action?: string;
  target?: string;
  since?: string;
  until?: string;
}): AuditFilter {
  const filter: AuditFilter = {};
  if (values.actor !== undefined) filter.actor = values.actor;
  if (values.action !== undefined) filter.action = knownAction(values.action);
  if (values.target !== undefined) filter.target = values.target;
  if (values.since !== undefined) filter.since = parseTime(values.since, '--since');
  if (values.until !== undefined) filter.until = parseTime(values.until, '--until');
  return filter;
}

async function runExport(args: string[], context: CliContext): Promise<ExitCode> {
  const options = {
    ...STORE_OPTIONS,
    out: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  } as const;
  const { values } = parseOrUsageError(() => parseArgs({ args, options, strict: true }));
  if (values.help === true) return printText(context, exportCommand.help);
  if (values.out === undefined) throw new UsageError('--out is required');
  const fromSeq = parsePositive(values.from ?? '1', '--from');
  const toSeq =
    values.to === undefined ? Number.MAX_SAFE_INTEGER : parsePositive(values.to, '--to');

  const exported = await withStore({ values, context, mustExist: true }, (store) =>
    exportStoredLog(store.audit, { fromSeq, toSeq, now: new Date() }),
  );
  const text = formatAuditExport(exported);
  if (values.out === '-') context.output.print(text.trimEnd());
  else writeFileSync(values.out, text, { mode: 0o600 });

  const { header } = exported;
  context.output.printError(
    `exported entries ${header.fromSeq}-${header.toSeq} with their checkpoint`,
  );
  return EXIT_CODES.ok;
}

function parsePositive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new UsageError(`${flag} must be a whole number from 1`);
  return value;
}

function parseTime(text: string, flag: string): Date {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new UsageError(`${flag} must be an ISO 8601 time`);
  return time;
}

function printText(context: CliContext, text: string): ExitCode {
  context.output.print(text);
  return EXIT_CODES.ok;
}
