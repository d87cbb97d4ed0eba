import { parseArgs } from 'node:util';
import {
  hasLeftTheHost,
  parseIpAddress,
  parseProbeTarget,
  probeTargets,
  type EgressPolicy,
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
import { CONFIG_OPTION_HELP, loadEgressPolicy } from './load-egress-policy.js';

const DEFAULT_FORBIDDEN_TARGETS = ['1.1.1.1:443', '169.254.169.254:80'] as const;

export const probeCommand: CliCommand = {
  summary: 'Try connections from outside the guard and report what the host lets out',
  help: `Usage: moat egress probe [--target HOST:PORT ...] [options]

Opens a TCP connection to each target from a separate process that does not carry Moat's
in-process guard, and reports what happened. Run it as the service user to see what the
host firewall lets that user reach.

Without --target it really connects, from this host, to:
  - each allowed destination that is one address or name, on the rule's first port;
  - 1.1.1.1:443, a public address on the internet (Cloudflare's DNS service);
  - 169.254.169.254:80, where cloud metadata services answer.
No rule should allow the last two. Where the host rules are not loaded, those connections
leave the host; name your own targets with --target to try only those.

Exit code 1 when a target the allow-list does not allow was reached: then the host, not
only Moat, lets it out.

Options:
  --target T      HOST:PORT, [IPv6]:PORT; repeat for several
  --timeout-ms N  How long to wait for each connection (default 3000)
  --json          Print the results as a JSON array on one line
${CONFIG_OPTION_HELP}`,
  run: runProbe,
};

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
  if (values.help === true) {
    context.output.print(probeCommand.help);
    return EXIT_CODES.ok;
  }
  const timeoutMs = Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) {
    throw new UsageError('--timeout-ms must be a whole number from 100 to 60000');
  }

  const policy = loadEgressPolicy(values.config, context);
  const targets = (values.target ?? defaultProbeTargets(policy)).map((text) => {
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

/**
 * What the probe tries without `--target`: each allowed single destination on its first
 * port, then two that must stay unreachable, one public and one the metadata service.
 */
export function defaultProbeTargets(policy: EgressPolicy): string[] {
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
