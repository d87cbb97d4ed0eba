import { parseArgs } from 'node:util';
import {
  FIREWALL_FORMATS,
  formatFirewallRules,
  isValidServiceUser,
  readNameServers,
  resolveRuleNames,
  type FirewallFormat,
  type PolicyRule,
} from '../egress/index.js';
import {
  EXIT_CODES,
  parseOrUsageError,
  UsageError,
  type CliCommand,
  type CliContext,
  type ExitCode,
} from './cli-support.js';
import { CONFIG_OPTION_HELP, loadEgressPolicy } from './load-egress-policy.js';
import { probeCommand } from './egress-probe-command.js';

const listCommand: CliCommand = {
  summary: 'List the egress allow-list with justifications and expiry',
  help: `Usage: moat egress list [options]

Prints every rule of egress.allow: destination, ports, expiry, who approved it and why.
Rules past their expiry are marked EXPIRED: they deny, like a missing rule.

Options:
  --json          Print a JSON array on one line
${CONFIG_OPTION_HELP}`,
  run: runList,
};

const rulesCommand: CliCommand = {
  summary: 'Print host firewall rules for the allow-list',
  help: `Usage: moat egress rules --user USER [--format nftables|iptables|ip6tables] [options]

Turns egress.allow into firewall rules that let the service user reach exactly the allowed
destinations, and count and drop everything else it sends, loopback included. The output
is ready to load (nft -f FILE, or iptables-restore --noflush < FILE); docs/egress.md
explains each rule. Host names are resolved now and written as addresses: run the
command again when their addresses change.

Options:
  --user USER     The user Moat runs as: a name or a numeric uid (required)
  --format F      nftables (default), iptables (IPv4) or ip6tables (IPv6)
${CONFIG_OPTION_HELP}`,
  run: runRules,
};

export const EGRESS_SUBCOMMANDS = {
  list: listCommand,
  rules: rulesCommand,
  probe: probeCommand,
} as const satisfies Record<string, CliCommand>;

const DAY_MS = 86_400_000;

function runList(args: string[], context: CliContext): ExitCode {
  const { values } = parseOrUsageError(() =>
    parseArgs({
      args,
      options: {
        config: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }),
  );
  if (values.help === true) return printText(context, listCommand.help);

  const policy = loadEgressPolicy(values.config, context);
  const nowMs = Date.now();
  if (values.json === true) {
    const rows = policy.rules.map((rule) => ({
      ...rule.config,
      isExpired: rule.expiresAtMs <= nowMs,
    }));
    return printText(context, JSON.stringify(rows));
  }
  if (policy.rules.length === 0) {
    return printText(context, 'egress.allow is empty: Moat connects nowhere, loopback included.');
  }
  return printText(context, policy.rules.map((rule) => describeRule(rule, nowMs)).join('\n\n'));
}

function describeRule(rule: PolicyRule, nowMs: number): string {
  const daysLeft = Math.ceil((rule.expiresAtMs - nowMs) / DAY_MS);
  const expiry =
    daysLeft <= 0
      ? `EXPIRED on ${rule.config.expires}: denies`
      : `until ${rule.config.expires} (${daysLeft} day${daysLeft === 1 ? '' : 's'} left)`;
  return [
    `[${rule.index}] ${rule.config.destination} port ${rule.config.ports.join(', ')}`,
    `    ${expiry}`,
    `    approved by ${rule.config.approvedBy}`,
    `    why: ${rule.config.justification}`,
  ].join('\n');
}

async function runRules(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({
      args,
      options: {
        config: { type: 'string' },
        user: { type: 'string' },
        format: { type: 'string', default: 'nftables' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }),
  );
  if (values.help === true) return printText(context, rulesCommand.help);
  if (values.user === undefined) throw new UsageError('--user is required');
  if (!isValidServiceUser(values.user))
    throw new UsageError('--user must be a user name or a numeric uid');
  const format = values.format as FirewallFormat;
  if (!FIREWALL_FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FIREWALL_FORMATS.join(', ')}`);
  }

  const policy = loadEgressPolicy(values.config, context);
  const text = formatFirewallRules(format, {
    rules: policy.rules,
    user: values.user,
    resolvedNames: await resolveRuleNames(policy.rules),
    nameServers: readNameServers(),
    nowMs: Date.now(),
  });
  return printText(context, text.trimEnd());
}

function printText(context: CliContext, text: string): ExitCode {
  context.output.print(text);
  return EXIT_CODES.ok;
}
