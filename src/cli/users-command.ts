import { parseArgs } from 'node:util';
import { createUser, MIN_PASSWORD_LENGTH } from '../auth/index.js';
import { MoatError } from '../errors/index.js';
import type { MoatStore, UserRecord } from '../store/index.js';
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
} as const;

const addCommand: CliCommand = {
  summary: 'Add a chat page account; the password is asked for, never a flag',
  help: `Usage: moat users add NAME [options]

Adds an account that signs in to the chat page with a password. On a terminal the
password is asked for twice and not shown; otherwise the first line of standard input is
the password. It is never taken from the command line, where other users and the shell's
history could read it. Only its Argon2id hash is stored.

NAME is 1-64 letters, digits, ".", "_", "@" or "-". The password has at least
${MIN_PASSWORD_LENGTH} characters.

Options:
${DATA_DIR_OPTIONS_HELP}`,
  run: runAdd,
};

const listCommand: CliCommand = {
  summary: 'List chat page accounts',
  help: `Usage: moat users list [options]

Lists every chat page account, oldest first: id, name, and how it signs in.

Options:
${DATA_DIR_OPTIONS_HELP}`,
  run: runList,
};

export const USERS_SUBCOMMANDS = {
  add: addCommand,
  list: listCommand,
} as const satisfies Record<string, CliCommand>;

async function runAdd(args: string[], context: CliContext): Promise<ExitCode> {
  const { values, positionals } = parseOrUsageError(() =>
    parseArgs({ args, options: STORE_OPTIONS, strict: true, allowPositionals: true }),
  );
  if (values.help === true) return printHelp(addCommand, context);
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) throw new UsageError('give exactly one NAME');

  const password = await context.readSecret({ prompt: 'Password: ', isConfirmed: true });

  const user = await withStore({ values, context, mustExist: false }, (store) =>
    addOrUsageError(store, name, password),
  );
  context.output.print(`Added account ${user.id} ("${user.name}").`);
  return EXIT_CODES.ok;
}

async function addOrUsageError(
  store: MoatStore,
  name: string,
  password: string,
): Promise<UserRecord> {
  try {
    return await createUser(store, { name, password });
  } catch (error) {
    if (error instanceof MoatError && error.code === 'invalid_request') {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

async function runList(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({ args, options: STORE_OPTIONS, strict: true }),
  );
  if (values.help === true) return printHelp(listCommand, context);

  const users = await withStore({ values, context, mustExist: false }, (store) =>
    store.users.list(),
  );
  if (users.length === 0) {
    context.output.print('No accounts. Add one with: moat users add NAME');
    return EXIT_CODES.ok;
  }
  const lines = users.map(
    (user) =>
      `${user.id}  ${user.name.padEnd(24)}  ${user.passwordHash === null ? 'proxy' : 'password'}`,
  );
  context.output.print(lines.join('\n'));
  return EXIT_CODES.ok;
}

function printHelp(command: CliCommand, context: CliContext): ExitCode {
  context.output.print(command.help);
  return EXIT_CODES.ok;
}
