import { readFileSync } from 'node:fs';
import {
  consoleOutput,
  describeFailure,
  EXIT_CODES,
  UsageError,
  type CliCommand,
  type CliContext,
  type ExitCode,
} from './cli-support.js';
import { AUDIT_SUBCOMMANDS } from './audit-command.js';
import { EGRESS_SUBCOMMANDS } from './egress-command.js';
import { KEYS_SUBCOMMANDS } from './keys-command.js';
import { BACKUP_SUBCOMMANDS } from './backup-commands.js';
import { eraseCommand, RECEIPT_SUBCOMMANDS, rotateMasterCommand } from './memory-commands.js';
import { MODELS_SUBCOMMANDS } from './models-command.js';
import { readSecret } from './read-secret.js';
import { serveCommand } from './serve-command.js';
import { USERS_SUBCOMMANDS } from './users-command.js';

export { EXIT_CODES, type CliContext, type CliOutput, type ExitCode } from './cli-support.js';
export { formatServeBanner, type ServeBannerInput } from './serve-banner.js';

/** Commands that take a subcommand, and the subcommands they take. */
const COMMAND_GROUPS = {
  keys: {
    summary: 'Manage API keys and the master key',
    subcommands: { ...KEYS_SUBCOMMANDS, 'rotate-master': rotateMasterCommand },
  },
  models: { summary: 'Manage models', subcommands: MODELS_SUBCOMMANDS },
  audit: { summary: 'Check, show and export the audit log', subcommands: AUDIT_SUBCOMMANDS },
  egress: { summary: 'Inspect and enforce the egress allow-list', subcommands: EGRESS_SUBCOMMANDS },
  users: { summary: 'Manage chat page accounts', subcommands: USERS_SUBCOMMANDS },
  backup: { summary: 'Back up, restore and check erasure', subcommands: BACKUP_SUBCOMMANDS },
  receipt: { summary: 'Check deletion receipts', subcommands: RECEIPT_SUBCOMMANDS },
} as const satisfies Record<string, CommandGroup>;

interface CommandGroup {
  summary: string;
  subcommands: Record<string, CliCommand>;
}

const HELP_FLAGS = new Set(['--help', '-h', 'help']);

/**
 * Runs one `moat` command line and answers its exit code: 0 ok, 1 the command failed,
 * 2 the command line is wrong.
 */
export async function runCli(argv: string[], context: Partial<CliContext> = {}): Promise<number> {
  const fullContext: CliContext = {
    output: context.output ?? consoleOutput,
    env: context.env ?? process.env,
    readSecret: context.readSecret ?? readSecret,
  };
  const [first, ...rest] = argv;

  if (first === undefined) return failUsage(fullContext, 'give a command', 'moat --help');
  if (HELP_FLAGS.has(first)) return printText(fullContext, formatTopHelp());
  if (first === '--version' || first === '-v') return printText(fullContext, readVersion());
  if (first === 'serve')
    return runCommand(serveCommand, rest, { context: fullContext, path: 'moat serve' });
  if (first === 'erase')
    return runCommand(eraseCommand, rest, { context: fullContext, path: 'moat erase' });
  if (Object.hasOwn(COMMAND_GROUPS, first)) {
    return runGroup(first as keyof typeof COMMAND_GROUPS, rest, fullContext);
  }

  return failUsage(fullContext, `unknown command "${first}"`, 'moat --help');
}

function runGroup(
  groupName: keyof typeof COMMAND_GROUPS,
  args: string[],
  context: CliContext,
): Promise<ExitCode> | ExitCode {
  const group: CommandGroup = COMMAND_GROUPS[groupName];
  const [name, ...rest] = args;
  const hint = `moat ${groupName} --help`;

  if (name === undefined) return failUsage(context, `give a ${groupName} subcommand`, hint);
  if (HELP_FLAGS.has(name)) return printText(context, formatGroupHelp(groupName, group));

  const command = Object.hasOwn(group.subcommands, name) ? group.subcommands[name] : undefined;
  if (command === undefined) {
    return failUsage(context, `unknown ${groupName} subcommand "${name}"`, hint);
  }
  return runCommand(command, rest, { context, path: `moat ${groupName} ${name}` });
}

/** Runs a command and turns what it throws into a message on standard error and an exit code. */
async function runCommand(
  command: CliCommand,
  args: string[],
  where: { context: CliContext; path: string },
): Promise<ExitCode> {
  try {
    return await command.run(args, where.context);
  } catch (error) {
    if (error instanceof UsageError)
      return failUsage(where.context, error.message, `${where.path} --help`);

    where.context.output.printError(`moat: ${describeFailure(error)}`);
    return EXIT_CODES.failure;
  }
}

function failUsage(context: CliContext, problem: string, helpCommand: string): ExitCode {
  context.output.printError(`moat: ${problem}\nRun "${helpCommand}" for usage.`);
  return EXIT_CODES.usage;
}

function printText(context: CliContext, text: string): ExitCode {
  context.output.print(text);
  return EXIT_CODES.ok;
}

function formatTopHelp(): string {
  const lines = [
    `  serve                   ${serveCommand.summary}`,
    `  erase                   ${eraseCommand.summary}`,
  ];
  for (const [groupName, group] of Object.entries(COMMAND_GROUPS)) {
    for (const [name, command] of Object.entries(group.subcommands)) {
      lines.push(`  ${`${groupName} ${name}`.padEnd(24)}${command.summary}`);
    }
  }

  return `Moat: a private gateway for local language models.

Usage: moat <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help              Show this help; "moat <command> --help" shows a command's own
  -v, --version           Print Moat's version

Exit codes: 0 success, 1 the command failed, 2 the command line is wrong.`;
}

function formatGroupHelp(groupName: string, group: CommandGroup): string {
  const lines = Object.entries(group.subcommands).map(
    ([name, command]) => `  ${name.padEnd(12)}${command.summary}`,
  );
  return `${group.summary}.

Usage: moat ${groupName} <subcommand> [options]

Subcommands:
${lines.join('\n')}

Run "moat ${groupName} <subcommand> --help" for a subcommand's options.`;
}

/** Read from package.json, which sits two folders up from both src/cli and dist/cli. */
function readVersion(): string {
  const packageJson = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return packageJson.version;
}
