import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../test/support/cli-run.js';
import { EgressPolicy, egressRuleSchema } from '../egress/index.js';
import { loadConfig } from '../config/index.js';
import { defaultProbeTargets, probeCommand } from './egress-probe-command.js';

let folder: string;
let listener: Server;
let listenerPort: number;
let acceptedCount = 0;

const RULES_YAML = `egress:
  allow:
    - destination: 127.0.0.1
      ports: [11434, "8000-8100"]
      justification: Ollama serves the chat model on this machine.
      approvedBy: Dana (security)
      expires: 2099-06-30
    - destination: fd12:3456:789a::/48
      ports: [443]
      justification: Internal inference pool on the private IPv6 network.
      approvedBy: Dana (security)
      expires: 2020-01-01
`;

function writeConfig(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'moat-egress-cli-'));
  listener = createServer((socket) => {
    acceptedCount += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listenerPort = (listener.address() as AddressInfo).port;
});

afterAll(() => {
  listener.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('moat egress list', () => {
  it('prints each rule with its justification, approver and expiry, marking expired ones', async () => {
    const run = await runCliCaptured([
      'egress',
      'list',
      '--config',
      writeConfig('a.yaml', RULES_YAML),
    ]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('[0] 127.0.0.1 port 11434, 8000-8100');
    expect(run.stdout).toContain('why: Ollama serves the chat model on this machine.');
    expect(run.stdout).toContain('approved by Dana (security)');
    expect(run.stdout).toContain(
      '[1] fd12:3456:789a::/48 port 443\n    EXPIRED on 2020-01-01: denies',
    );
  });

  it('refuses a config whose rule has a placeholder justification, naming the key', async () => {
    const text = RULES_YAML.replace('Ollama serves the chat model on this machine.', 'TODO');
    const run = await runCliCaptured(['egress', 'list', '--config', writeConfig('b.yaml', text)]);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('egress.allow[0].justification');
    expect(run.stderr).toContain('placeholder');
  });
});

describe('moat egress rules', () => {
  it('writes nftables rules for the service user, leaving expired rules out', async () => {
    const config = writeConfig('c.yaml', RULES_YAML);
    const run = await runCliCaptured(['egress', 'rules', '--config', config, '--user', 'moat']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('meta skuid "moat" jump service_user');
    expect(run.stdout).toContain('ip daddr 127.0.0.1 tcp dport { 11434, 8000-8100 } accept');
    expect(run.stdout).toContain('counter name "dropped" drop');
    expect(run.stdout).toContain(
      'egress.allow[1] fd12:3456:789a::/48: expired on 2020-01-01, so left out',
    );
    expect(run.stdout).not.toContain('ip6 daddr');
  });

  it('writes iptables-restore input, and needs a valid --user', async () => {
    const config = writeConfig('d.yaml', RULES_YAML);
    const run = await runCliCaptured([
      'egress',
      'rules',
      '--config',
      config,
      '--user',
      '1001',
      '--format',
      'iptables',
    ]);
    expect(run.stdout).toContain('-I OUTPUT 1 -m owner --uid-owner 1001 -j MOAT_EGRESS');
    expect(run.stdout).toContain(
      '-A MOAT_EGRESS -d 127.0.0.1 -p tcp -m multiport --dports 11434,8000:8100 -j RETURN',
    );
    expect(run.stdout.trimEnd().endsWith('-A MOAT_EGRESS -j DROP\nCOMMIT')).toBe(true);

    const noUser = await runCliCaptured(['egress', 'rules', '--config', config]);
    expect(noUser.exitCode).toBe(2);
    const badUser = await runCliCaptured([
      'egress',
      'rules',
      '--config',
      config,
      '--user',
      'x; rm',
    ]);
    expect(badUser.exitCode).toBe(2);
  });
});

describe('moat egress probe', () => {
  it('reports a forbidden target the host lets through, and fails', async () => {
    const config = writeConfig('e.yaml', RULES_YAML);
    const run = await runCliCaptured([
      'egress',
      'probe',
      '--config',
      config,
      '--target',
      `127.0.0.1:${listenerPort}`,
      '--timeout-ms',
      '2000',
      '--json',
    ]);

    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual([
      { host: '127.0.0.1', port: listenerPort, outcome: 'connected', policy: 'not allowed' },
    ]);
    expect(acceptedCount).toBe(1);
  });

  it('names in its help the public and metadata addresses it tries by default', () => {
    expect(probeCommand.help).toContain('Without --target it really connects, from this host');
    expect(probeCommand.help).toContain('1.1.1.1:443, a public address on the internet');
    expect(probeCommand.help).toContain('169.254.169.254:80, where cloud metadata services');
  });

  it('tries each single allowed destination, then 1.1.1.1:443 and the metadata address', () => {
    const config = loadConfig({ configPath: writeConfig('d.yaml', RULES_YAML), env: {} });
    const named = egressRuleSchema.parse({
      ...config.egress.allow[0],
      destination: 'models.internal.example',
      ports: [8443],
    });
    const policy = new EgressPolicy([...config.egress.allow, named]);

    // Listed, never connected to: no test lets the probe choose its own targets.
    expect(defaultProbeTargets(policy)).toEqual([
      '127.0.0.1:11434',
      'models.internal.example:8443',
      '1.1.1.1:443',
      '169.254.169.254:80',
    ]);
  });

  it('cannot be run by a test without loopback-only targets', async () => {
    await expect(runCliCaptured(['egress', 'probe'])).rejects.toThrow('without --target');
    await expect(
      runCliCaptured(['egress', 'probe', '--target', '127.0.0.1:9', '--target', '1.1.1.1:443']),
    ).rejects.toThrow('a test probed 1.1.1.1');
    expect(acceptedCount).toBe(1);
  });

  it('refuses a malformed target', async () => {
    const run = await runCliCaptured(['egress', 'probe', '--target', 'http://x:1/']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--target must look like HOST:PORT');
  });
});
