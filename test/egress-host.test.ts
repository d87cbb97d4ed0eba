import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNamespacePair,
  findNetnsProblem,
  watchOutput,
  type NamespacePair,
} from './support/net-namespaces.js';
import { assertProbeStaysLocal } from './support/local-probe.js';

/**
 * The host firewall on its own, in network namespaces this test creates: Moat's generated
 * nftables rules are loaded into the "inside" namespace, and connections are tried by
 * `moat egress probe`, which by design runs outside the in-process guard. Then a Moat with
 * an empty allow-list serves for a minute while the firewall's counter watches for any
 * connection attempt it makes.
 */
const MOAT_BIN = fileURLToPath(new URL('../bin/moat.js', import.meta.url));
const ALLOWED_PORT = 7001;
const FORBIDDEN_PORT = 7002;
const SERVING_MS = 55_000;

const problem = findNetnsProblem();
const isRequired = process.env.MOAT_REQUIRE_NETNS === '1';
const skipReason = problem !== undefined && !isRequired ? `: skipped, ${problem}` : '';

/** The listener on the outside host: prints one line per accepted connection. */
const LISTENER_SCRIPT = `
import { createServer } from 'node:net';
for (const port of process.argv.slice(1).map(Number)) {
  createServer((socket) => { console.log('accepted ' + port); socket.destroy(); })
    .listen(port, process.env.LISTEN_HOST, () => console.log('ready ' + port));
}
`;

let folder: string;
let pair: NamespacePair;
/** What beforeAll made, undone in afterAll even when a test (or beforeAll itself) failed. */
const cleanups: (() => void)[] = [];

describe.skipIf(skipReason !== '')(`egress enforced by the host${skipReason}`, () => {
  beforeAll(() => {
    if (problem !== undefined) throw new Error(`MOAT_REQUIRE_NETNS=1, but ${problem}`);
    folder = mkdtempSync(join(tmpdir(), 'moat-netns-'));
    cleanups.push(() => {
      rmSync(folder, { recursive: true, force: true });
    });
    pair = createNamespacePair();
    cleanups.push(() => {
      pair.destroy();
    });
  });

  afterAll(() => {
    for (const cleanup of cleanups.reverse()) cleanup();
  });

  function moat(args: readonly string[]): { exitCode: number; stdout: string } {
    assertProbeStaysLocal(args, [pair.insideAddress, pair.outsideAddress]);
    try {
      const stdout = pair.run(pair.inside, [process.execPath, MOAT_BIN, ...args]);
      return { exitCode: 0, stdout };
    } catch (error) {
      const failed = error as { status: number | null; stdout: string };
      return { exitCode: failed.status ?? -1, stdout: failed.stdout };
    }
  }

  function loadRules(configFile: string): void {
    const rules = moat(['egress', 'rules', '--config', configFile, '--user', '0']);
    expect(rules.exitCode).toBe(0);
    const rulesFile = join(folder, `${Date.now()}.nft`);
    writeFileSync(rulesFile, rules.stdout);
    pair.run(pair.inside, ['nft', '-f', rulesFile]);
  }

  function droppedPackets(): number {
    const text = pair.run(pair.inside, [
      'nft',
      'list',
      'counter',
      'inet',
      'moat_egress',
      'dropped',
    ]);
    return Number(/packets (\d+)/.exec(text)?.[1] ?? Number.NaN);
  }

  it('lets the service user reach the allowed destination and nothing else', async () => {
    const listener = pair.start(pair.outside, [
      process.execPath,
      '--input-type=module',
      '-e',
      LISTENER_SCRIPT,
      String(ALLOWED_PORT),
      String(FORBIDDEN_PORT),
    ]);
    const output = watchOutput(listener);
    await output.waitFor(new RegExp(`ready ${FORBIDDEN_PORT}`), 10_000);
    await output.waitFor(new RegExp(`ready ${ALLOWED_PORT}`), 10_000);

    const configFile = join(folder, 'allow-one.yaml');
    writeFileSync(
      configFile,
      allowListYaml([{ address: pair.outsideAddress, port: ALLOWED_PORT }]),
    );
    const probeArgs = ['egress', 'probe', '--config', configFile, '--timeout-ms', '1500', '--json'];
    for (const port of [ALLOWED_PORT, FORBIDDEN_PORT])
      probeArgs.push('--target', `${pair.outsideAddress}:${port}`);

    // Without host rules both ports answer: the probe itself works, and the network is real.
    const before = moat(probeArgs);
    expect(before.exitCode).toBe(1);
    expect(outcomes(before.stdout)).toEqual(['connected', 'connected']);

    loadRules(configFile);
    const after = moat(probeArgs);
    // A dropped SYN is retried until the probe gives up: the connect times out.
    expect(outcomes(after.stdout)).toEqual(['connected', 'timed out']);
    expect(after.exitCode).toBe(0);
    expect(droppedPackets()).toBeGreaterThanOrEqual(1);

    await new Promise((resolve) => setTimeout(resolve, 200));
    const accepted = output.text().match(/accepted \d+/g) ?? [];
    expect(accepted.filter((line) => line.endsWith(String(FORBIDDEN_PORT)))).toHaveLength(1);
    expect(accepted.filter((line) => line.endsWith(String(ALLOWED_PORT)))).toHaveLength(2);
  });

  it(
    'sees no connection attempt from a Moat with an empty allow-list, across start-up and a minute of serving',
    async () => {
      const configFile = join(folder, 'empty.yaml');
      const logFile = join(folder, 'moat.log');
      writeFileSync(
        configFile,
        serveYaml({ host: pair.insideAddress, dataDir: join(folder, 'data'), logFile }),
      );
      loadRules(configFile);
      const droppedBefore = droppedPackets();

      const server = pair.start(pair.inside, [
        process.execPath,
        MOAT_BIN,
        'serve',
        '--config',
        configFile,
      ]);
      const serverOutput = watchOutput(server);
      const [, url] = await serverOutput.waitFor(/listening on (http:\/\/[\d.:]+)/, 60_000);
      const [token] = await serverOutput.waitFor(/moat_[a-z0-9]+_[A-Za-z0-9_-]+/, 5_000);

      const client = pair.start(pair.outside, [
        process.execPath,
        '--input-type=module',
        '-e',
        CLIENT_SCRIPT,
        url ?? '',
        token,
        String(SERVING_MS),
      ]);
      const clientOutput = watchOutput(client);
      const [summaryJson] = await clientOutput.waitFor(/\{.*\}/, SERVING_MS + 30_000);
      const summary = JSON.parse(summaryJson) as Record<string, number>;
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));

      expect(summary['chat 200']).toBeGreaterThan(0);
      expect(summary['models 200']).toBeGreaterThan(0);
      expect(droppedPackets() - droppedBefore).toBe(0);
      const log = readFileSync(logFile, 'utf8');
      expect(log).toContain('"msg":"listening"');
      expect(log).not.toContain('egress denied');
    },
    SERVING_MS + 120_000,
  );
});

function outcomes(json: string): string[] {
  return (JSON.parse(json) as { outcome: string }[]).map((result) => result.outcome);
}

function allowListYaml(rules: readonly { address: string; port: number }[]): string {
  const lines = ['egress:', '  allow:'];
  for (const rule of rules) {
    lines.push(
      `    - destination: "${rule.address}"`,
      `      ports: [${rule.port}]`,
      '      justification: The listener on the outside namespace stands in for an upstream.',
      '      approvedBy: host egress test',
      '      expires: "2099-12-31"',
    );
  }
  return `${lines.join('\n')}\n`;
}

function serveYaml(options: { host: string; dataDir: string; logFile: string }): string {
  return [
    `dataDir: ${options.dataDir}`,
    'server:',
    `  host: "${options.host}"`,
    '  port: 8787',
    '  allowInsecureHttp: true',
    'log:',
    '  level: trace',
    `  file: ${options.logFile}`,
    'engine:',
    '  threads: 1',
    'egress:',
    '  allow: []',
    '',
  ].join('\n');
}

/** Uses every route a client has for the given time, then prints counts by route and status. */
const CLIENT_SCRIPT = `
const [url, token, durationText] = process.argv.slice(1);
const headers = { authorization: 'Bearer ' + token, 'content-type': 'application/json' };
const counts = {};
const count = (name, status) => { counts[name + ' ' + status] = (counts[name + ' ' + status] ?? 0) + 1; };
const calls = [
  ['models', () => fetch(url + '/v1/models', { headers })],
  ['health', () => fetch(url + '/healthz')],
  ['metrics', () => fetch(url + '/metrics', { headers })],
  ['chat', () => fetch(url + '/v1/chat/completions', { method: 'POST', headers,
    body: JSON.stringify({ model: 'moat-demo', max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] }) })],
  ['stream', () => fetch(url + '/v1/chat/completions', { method: 'POST', headers,
    body: JSON.stringify({ model: 'moat-demo', max_tokens: 4, stream: true, messages: [{ role: 'user', content: 'hi' }] }) })],
  ['embeddings', () => fetch(url + '/v1/embeddings', { method: 'POST', headers,
    body: JSON.stringify({ model: 'moat-demo', input: 'hello' }) })],
];
const end = Date.now() + Number(durationText);
while (Date.now() < end) {
  for (const [name, call] of calls) {
    try { const response = await call(); await response.text(); count(name, response.status); }
    catch { count(name, 'failed'); }
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
console.log(JSON.stringify(counts));
`;
