import { isIP } from 'node:net';
import { parseIpAddress, parseProbeTarget } from '../../src/egress/index.js';

/**
 * Every `moat` command line a test runs passes through here. `moat egress probe` without
 * `--target` connects to public addresses (1.1.1.1:443) and the cloud metadata address, so a
 * test must name its targets, and only loopback or the addresses of a network namespace the
 * test made itself (`extraHosts`). A target the command cannot parse connects nowhere: the
 * command refuses it before probing.
 */
export function assertProbeStaysLocal(
  argv: readonly string[],
  extraHosts: readonly string[] = [],
): void {
  if (argv[0] !== 'egress' || argv[1] !== 'probe') return;
  if (argv.includes('--help') || argv.includes('-h')) return;

  const targets = argv.flatMap((arg, index) => {
    if (arg === '--target') return [argv[index + 1] ?? ''];
    return arg.startsWith('--target=') ? [arg.slice('--target='.length)] : [];
  });
  if (targets.length === 0) {
    throw new Error('a test ran moat egress probe without --target, which reaches public hosts');
  }
  for (const text of targets) {
    const host = parseProbeTarget(text)?.host;
    if (host === undefined || isLoopback(host) || extraHosts.includes(host)) continue;
    throw new Error(`a test probed ${host}; tests probe loopback or their own namespaces only`);
  }
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 0) return false;
  const address = parseIpAddress(host);
  if (address === undefined) return false;
  if (address.family === 4) return address.bytes[0] === 127;
  return address.bytes.every((byte, index) => byte === (index === 15 ? 1 : 0));
}
