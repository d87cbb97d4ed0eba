import { readFileSync, writeFileSync } from 'node:fs';
import { parseDeletionReceipt, type DeletionReceipt } from '../memory/index.js';
import {
  EXIT_CODES,
  UsageError,
  type CliCommand,
  type CliContext,
  type ExitCode,
} from './cli-support.js';

/** Options of every command that opens the store and its keys. */
export const STORE_OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function readReceipt(file: string): DeletionReceipt {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    json = undefined;
  }
  // The API answers `{deleted, receipt}` or `{erased, receipt}`; the receipt alone is taken too.
  const inner =
    typeof json === 'object' && json !== null && 'receipt' in json ? json.receipt : json;
  const receipt = parseDeletionReceipt(inner);
  if (receipt === undefined) throw new Error(`${file} is not a deletion receipt`);
  return receipt;
}

export function requireOwnerId(ownerId: string | undefined): string {
  if (ownerId === undefined || !/^[A-Za-z0-9:._-]{1,160}$/.test(ownerId)) {
    throw new UsageError('--owner ID is required: letters, digits, ":", ".", "_" or "-"');
  }
  return ownerId;
}

export function onePositional(positionals: string[], problem: string): string {
  const [first] = positionals;
  if (first === undefined || positionals.length > 1) throw new UsageError(problem);
  return first;
}

export function writeOrPrint(context: CliContext, file: string | undefined, text: string): void {
  if (file === undefined) context.output.print(text);
  else writeFileSync(file, `${text}\n`, { mode: 0o600 });
}

export function printHelp(command: CliCommand, context: CliContext): ExitCode {
  context.output.print(command.help);
  return EXIT_CODES.ok;
}
