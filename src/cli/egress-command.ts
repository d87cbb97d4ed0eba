import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import {
  EgressPolicy,
  FIREWALL_FORMATS,
  formatFirewallRules,
  hasLeftTheHost,
  installEgressGuard,
  isEgressGuardInstalled,
  isValidServiceUser,
  parseIpAddress,
  parseProbeTarget,
  probeTargets,
  readNameServers,
  resolveRuleNames,
  type FirewallFormat,
  type PolicyRule,
  type ProbeResult,
  type ProbeTarget,
} from '../egress/index.js';
import {
  EXIT_CODES,
  parseOrUsageError,
  UsageError,
  type CliCommand,
  type CliContext,
  type ExitCode,
} from './cli-support.js';

const CONFIG_OPTION_HELP =
  '  --config FILE   Config file (default: MOAT_CONFIG, else ./moat.yaml if present)';

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

const probeCommand: CliCommand = {
  summary: 'Try connections from outside the guard and report what the host lets out',
  help: `Usage: moat egress probe [--target HOST:PORT ...] [options]

Opens a TCP connection to each target from a separate process that does not carry Moat's
in-process guard, and reports what happened. Run it as the service user to see what the
host firewall lets that user reach. Without --target it tries each allowed destination
and two that no rule should allow (1.1.1.1:443 and 169.254.169.254:80).

Exit code 1 when a target the allow-list does not allow was reached: then the host, not
only Moat, lets it out.

Options:
  --target T      HOST:PORT, [IPv6]:PORT; repeat for several
  --timeout-ms N  How long to wait for each connection (default 3000)
  --json          Print the results as a JSON array on one line
${CONFIG_OPTION_HELP}`,
  run: runProbe,
};

export const EGRESS_SUBCOMMANDS = {
  list: listCommand,
  rules: rulesCommand,
  probe: probeCommand,
} as const satisfies Record<string, CliCommand>;

const DEFAULT_FORBIDDEN_TARGETS = ['1.1.1.1:443', '169.254.169.254:80'] as const;
const DAY_MS = 86_400_000;

function loadPolicy(configFlag: string | undefined, context: CliContext): EgressPolicy {
  const config = loadConfig(
    configFlag === undefined ? { env: context.env } : { configPath: configFlag, env: context.env },
  );
  const policy = new EgressPolicy(config.egress.allow);
  // Host-name rules must be resolvable by this command itself, under the same guard.
  if (isEgressGuardInstalled()) installEgressGuard().setPolicy(policy);
  return policy;
}

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

  const policy = loadPolicy(values.config, context);
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

  const policy = loadPolicy(values.config, context);
  const text = formatFirewallRules(format, {
    rules: policy.rules,
    user: values.user,
    resolvedNames: await resolveRuleNames(policy.rules),
    nameServers: readNameServers(),
    nowMs: Date.now(),
  });
  return printText(context, text.trimEnd());
}

async function runProbe(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({
      args,
      options: {
        config: { type: 'string' },
        target: { type: 'string', multiple: true },
        'timeout-ms': { type: 'string', default: '3000' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }),
  );
  if (values.help === true) return printText(context, probeCommand.help);
  const timeoutMs = Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) {
    throw new UsageError('--timeout-ms must be a whole number from 100 to 60000');
  }

  const policy = loadPolicy(values.config, context);
  const targets = (values.target ?? defaultTargets(policy)).map((text) => {
    const target = parseProbeTarget(text);
    if (target === undefined)
      throw new UsageError(`--target must look like HOST:PORT or [IPv6]:PORT`);
    return target;
  });
  context.output.printError(`moat: probing ${targets.length} target(s) from outside the guard…`);

  const results = await probeTargets(targets, { timeoutMs });
  const rows = results.map((result) => ({ ...result, policy: policyVerdict(policy, result) }));
  const leaks = rows.filter((row) => row.policy === 'not allowed' && hasLeftTheHost(row));
  if (values.json === true) context.output.print(JSON.stringify(rows));
  else context.output.print(formatProbeTable(rows, leaks.length));
  return leaks.length === 0 ? EXIT_CODES.ok : EXIT_CODES.failure;
}

function defaultTargets(policy: EgressPolicy): string[] {
  const allowed = policy.rules.flatMap((rule) => {
    const port = rule.ports[0]?.[0];
    if (port === undefined) return [];
    if (rule.destination.kind === 'name') return [`${rule.destination.name}:${port}`];
    const { base, prefixLength } = rule.destination.range;
    if (prefixLength !== base.bytes.length * 8) return [];
    return [
      rule.config.destination.includes(':')
        ? `[${rule.config.destination}]:${port}`
        : `${rule.config.destination}:${port}`,
    ];
  });
  return [...allowed, ...DEFAULT_FORBIDDEN_TARGETS];
}

function policyVerdict(policy: EgressPolicy, target: ProbeTarget): string {
  const nowMs = Date.now();
  const address = parseIpAddress(target.host);
  const decision =
    address === undefined
      ? policy.checkName(target.host, { port: target.port, nowMs })
      : policy.checkAddress(address, { port: target.port, nowMs });
  return decision.isAllowed ? `allowed by egress.allow[${decision.ruleIndex}]` : 'not allowed';
}

function formatProbeTable(rows: (ProbeResult & { policy: string })[], leakCount: number): string {
  const lines = rows.map((row) => {
    const target = row.host.includes(':') ? `[${row.host}]:${row.port}` : `${row.host}:${row.port}`;
    const outcome = row.errorCode === undefined ? row.outcome : `${row.outcome} (${row.errorCode})`;
    return `${target.padEnd(30)} ${row.policy.padEnd(26)} ${outcome}`;
  });
  const verdict =
    leakCount === 0
      ? 'No target the allow-list forbids was reached.'
      : `${leakCount} target(s) the allow-list forbids were reached: the host does not enforce it.`;
  return [`${'target'.padEnd(30)} ${'policy'.padEnd(26)} result`, ...lines, '', verdict].join('\n');
}

function printText(context: CliContext, text: string): ExitCode {
  context.output.print(text);
  return EXIT_CODES.ok;
}
