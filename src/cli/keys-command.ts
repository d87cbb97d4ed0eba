import { parseArgs } from 'node:util';
import {
  createApiKey,
  isApiKeyId,
  SCOPES,
  type CreateApiKeyOptions,
  type CreatedApiKey,
} from '../auth/index.js';
import { MoatError } from '../errors/index.js';
import type { ApiKeyRecord, MoatStore } from '../store/index.js';
import {
  EXIT_CODES,
  parseOrUsageError,
  UsageError,
  type CliCommand,
  type CliContext,
  type ExitCode,
} from './cli-support.js';
import { DATA_DIR_OPTIONS_HELP, type DataDirSources } from './data-dir.js';
import { recordOperatorAction } from './operator-audit.js';
import { withStore } from './with-store.js';

const STORE_OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const createCommand: CliCommand = {
  summary: 'Create an API key and print its token once',
  help: `Usage: moat keys create --name NAME --scopes SCOPE[,SCOPE...] [options]

Creates an API key. The token is printed once and only its hash is stored.

Options:
  --name NAME     1-64 letters, digits, spaces, ".", "_" or "-"
  --scopes LIST   Comma-separated: ${SCOPES.join(', ')}
  --json          Print {"id": ..., "token": ...} on one line
${DATA_DIR_OPTIONS_HELP}`,
  run: runCreate,
};

const listCommand: CliCommand = {
  summary: 'List API keys (never their tokens)',
  help: `Usage: moat keys list [options]

Lists every API key, newest first, revoked ones included.

Options:
  --json          Print a JSON array on one line
${DATA_DIR_OPTIONS_HELP}`,
  run: runList,
};

const revokeCommand: CliCommand = {
  summary: 'Revoke an API key',
  help: `Usage: moat keys revoke ID [options]

Revokes the key with this id; requests with its token are refused from then on.
Revoking a key that is already revoked succeeds and changes nothing.

Options:
${DATA_DIR_OPTIONS_HELP}`,
  run: runRevoke,
};

export const KEYS_SUBCOMMANDS = {
  create: createCommand,
  list: listCommand,
  revoke: revokeCommand,
} as const satisfies Record<string, CliCommand>;

const CREATE_OPTIONS = {
  ...STORE_OPTIONS,
  name: { type: 'string' },
  scopes: { type: 'string' },
  json: { type: 'boolean' },
} as const;

async function runCreate(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({ args, options: CREATE_OPTIONS, strict: true }),
  );
  if (values.help === true) return printHelp(createCommand, context);
  if (values.name === undefined) throw new UsageError('--name is required');
  if (values.scopes === undefined) throw new UsageError('--scopes is required');
  const options = {
    name: values.name,
    scopes: values.scopes.split(',').map((scope) => scope.trim()),
  };

  const sources = { dataFlag: values.data, configFlag: values.config, env: context.env };
  const created = await withStore({ values, context, mustExist: false }, (store) =>
    createOrUsageError(store, { key: options, sources }),
  );

  context.output.print(
    values.json === true
      ? JSON.stringify({ id: created.id, token: created.token })
      : formatCreated(created),
  );
  return EXIT_CODES.ok;
}

/** A name or scope the key cannot have is a mistake on the command line, so exit 2. */
async function createOrUsageError(
  store: MoatStore,
  options: { key: CreateApiKeyOptions; sources: DataDirSources },
): Promise<CreatedApiKey> {
  try {
    const created = await createApiKey(store, options.key);
    await recordOperatorAction(store, options.sources, {
      action: 'key.created',
      targets: [`key:${created.id}`],
      outcome: 'ok',
    });
    return created;
  } catch (error) {
    if (error instanceof MoatError && error.code === 'invalid_request') {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

function formatCreated(created: CreatedApiKey): string {
  const { id, record, token } = created;
  return [
    `Created API key ${id} ("${record.name}") with scopes ${record.scopes.join(',')}.`,
    'The token is shown only this once; store it now:',
    '',
    `  ${token}`,
    '',
  ].join('\n');
}

async function runList(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({ args, options: { ...STORE_OPTIONS, json: { type: 'boolean' } }, strict: true }),
  );
  if (values.help === true) return printHelp(listCommand, context);

  const records = await withStore({ values, context, mustExist: true }, (store) =>
    store.apiKeys.list(),
  );

  if (values.json === true) {
    context.output.print(JSON.stringify(records.map(toPublicKey)));
  } else if (records.length === 0) {
    context.output.print(
      'No API keys. Create one with: moat keys create --name NAME --scopes chat',
    );
  } else {
    context.output.print(formatKeyTable(records));
  }
  return EXIT_CODES.ok;
}

async function runRevoke(args: string[], context: CliContext): Promise<ExitCode> {
  const { values, positionals } = parseOrUsageError(() =>
    parseArgs({ args, options: STORE_OPTIONS, strict: true, allowPositionals: true }),
  );
  if (values.help === true) return printHelp(revokeCommand, context);
  const id = positionals[0];
  if (id === undefined || positionals.length > 1) throw new UsageError('give exactly one key id');
  if (!isApiKeyId(id)) throw new UsageError('a key id is 12 characters of a-z and 2-7');

  const outcome = await withStore({ values, context, mustExist: true }, async (store) => {
    const record = await store.apiKeys.findById(id);
    if (record === undefined) return 'unknown';
    if (record.revokedAt !== null) return 'already revoked';
    await store.apiKeys.revoke(id, new Date());
    const sources = { dataFlag: values.data, configFlag: values.config, env: context.env };
    await recordOperatorAction(store, sources, {
      action: 'key.revoked',
      targets: [`key:${id}`],
      outcome: 'ok',
    });
    return 'revoked';
  });

  if (outcome === 'unknown') throw new Error(`no API key has the id ${id}`);
  context.output.print(
    outcome === 'revoked' ? `Revoked API key ${id}.` : `API key ${id} was already revoked.`,
  );
  return EXIT_CODES.ok;
}

function printHelp(command: CliCommand, context: CliContext): ExitCode {
  context.output.print(command.help);
  return EXIT_CODES.ok;
}

/** What may be shown of a key: everything but its hash. */
function toPublicKey(record: ApiKeyRecord): {
  id: string;
  name: string;
  scopes: readonly string[];
  createdAt: string;
  revokedAt: string | null;
} {
  return {
    id: record.id,
    name: record.name,
    scopes: record.scopes,
    createdAt: record.createdAt.toISOString(),
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

function formatKeyTable(records: readonly ApiKeyRecord[]): string {
  const rows = [
    ['ID', 'NAME', 'SCOPES', 'CREATED', 'REVOKED'],
    ...records.map((record) => {
      const key = toPublicKey(record);
      return [key.id, key.name, key.scopes.join(','), key.createdAt, key.revokedAt ?? '-'];
    }),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];

  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
