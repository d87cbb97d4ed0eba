import { MoatError } from '../errors/index.js';

/** Exit codes scripts can rely on. */
export const EXIT_CODES = {
  ok: 0,
  /** The command was understood but failed: a bad config, a locked store, a refused key. */
  failure: 1,
  /** The command line itself is wrong: unknown command or option, missing or bad value. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Where a command writes. Standard output carries results only; everything else goes to errors. */
export interface CliOutput {
  print(text: string): void;
  printError(text: string): void;
}

export interface CliContext {
  output: CliOutput;
  env: NodeJS.ProcessEnv;
  /**
   * Reads a password without echo on a terminal, else from standard input's first line;
   * with `isConfirmed`, a terminal is asked twice.
   */
  readSecret(options: { prompt: string; isConfirmed: boolean }): Promise<string>;
}

/** A subcommand: its one-line summary for the parent's help, its own help, and its action. */
export interface CliCommand {
  summary: string;
  help: string;
  run(args: string[], context: CliContext): ExitCode | Promise<ExitCode>;
}

/**
 * A command line that cannot be run as written. Kept apart from MoatError because it never
 * leaves the CLI and maps to exit code 2, not to an HTTP status.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const consoleOutput: CliOutput = {
  print: (text) => {
    console.log(text);
  },
  printError: (text) => {
    console.error(text);
  },
};

/** Runs node:util's parseArgs and turns its complaints into usage errors. */
export function parseOrUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((error as Error).message);
    throw error;
  }
}

/**
 * One line (or a few, for configuration errors) saying why a command failed. The cause of a
 * MoatError is left out: its message is the safe one, and its cause may quote input.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof MoatError) return error.message;
  if (!(error instanceof Error)) return 'unexpected failure';

  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
