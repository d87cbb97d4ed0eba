import { spawn } from 'node:child_process';

/** What happened to one connection attempt made from outside the guard. */
export const PROBE_OUTCOMES = [
  'connected',
  'refused',
  'blocked',
  'unreachable',
  'timed out',
  'failed',
] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

export interface ProbeTarget {
  host: string;
  port: number;
}

export interface ProbeResult extends ProbeTarget {
  outcome: ProbeOutcome;
  /** The system's error code, when there was one (`EPERM`, `ECONNREFUSED`). */
  errorCode?: string;
}

/**
 * `connected`: the handshake completed. `refused`: a host answered with a reset, so packets
 * did leave. `blocked`: the local firewall dropped the first packet (the kernel answers
 * EPERM to the sender). `unreachable`: no route. `timed out`: no answer at all.
 */
const OUTCOME_BY_CODE: Readonly<Record<string, ProbeOutcome>> = {
  ECONNREFUSED: 'refused',
  EPERM: 'blocked',
  EACCES: 'blocked',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
};

/**
 * The probe itself, run by a separate Node process that never loads Moat and so never
 * installs the guard: what it reaches, the host lets through. It prints one JSON line.
 */
const PROBE_SCRIPT = `
import { connect } from 'node:net';
const [targetsJson, timeoutText] = process.argv.slice(1);
const attempt = ({ host, port }) => new Promise((resolve) => {
  const socket = connect({ host, port, timeout: Number(timeoutText) });
  const finish = (result) => { socket.destroy(); resolve({ host, port, ...result }); };
  socket.once('connect', () => finish({ code: 'connected' }));
  socket.once('timeout', () => finish({ code: 'timeout' }));
  socket.once('error', (error) => finish({ code: String(error.code ?? 'failed') }));
});
const results = await Promise.all(JSON.parse(targetsJson).map(attempt));
process.stdout.write(JSON.stringify(results) + '\\n');
`;

/** Tries every target at once from a child process outside the guard. */
export async function probeTargets(
  targets: readonly ProbeTarget[],
  options: { timeoutMs: number },
): Promise<ProbeResult[]> {
  const args = [
    '--input-type=module',
    '-e',
    PROBE_SCRIPT,
    JSON.stringify(targets),
    String(options.timeoutMs),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (exitCode !== 0) throw new Error(`the probe process failed with exit code ${exitCode}`);

  const raw = JSON.parse(output) as { host: string; port: number; code: string }[];
  return raw.map(({ host, port, code }) => toResult({ host, port }, code));
}

function toResult(target: ProbeTarget, code: string): ProbeResult {
  if (code === 'connected') return { ...target, outcome: 'connected' };
  if (code === 'timeout') return { ...target, outcome: 'timed out' };
  return { ...target, outcome: OUTCOME_BY_CODE[code] ?? 'failed', errorCode: code };
}

/** Reads `host:port`, `[v6]:port` or `v4:port`; undefined when it is not one of those. */
export function parseProbeTarget(text: string): ProbeTarget | undefined {
  const match = /^(?:\[([0-9a-fA-F:.%\w]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** True when packets reached a host: the host firewall did not stop the attempt. */
export function hasLeftTheHost(result: ProbeResult): boolean {
  return result.outcome === 'connected' || result.outcome === 'refused';
}
