import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from './support/cli-run.js';
import { LOOPBACK_TEST_RULE } from './support/egress-rules.js';
import { startOpenAiStandIn, type OpenAiStandIn } from './support/openai-stand-in.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * The egress policy inside a running Moat: an upstream that no rule allows stops the start,
 * and a connection the guard refuses at run time becomes `egress_denied`, a metric and a log
 * record naming destination and port — while the upstream receives nothing.
 */
let standIn: OpenAiStandIn;
let moat: TestMoat;

const NAME_RULE = {
  destination: 'localhost',
  ports: ['1-65535'],
  justification: 'A name rule, to show a name that resolves to loopback is refused.',
  approvedBy: 'egress test',
  expires: '2099-12-31',
};

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ models: ['stand-in-model'] });
  // Moat listens on 127.0.0.3 and only that address is allowed, for this test's own client:
  // the stand-in on 127.0.0.1 is reachable through no rule, so it is the sentinel.
  moat = await startTestMoat({
    upstreams: [{ name: 'by-name', baseUrl: `http://localhost:${standIn.port}/v1` }],
    egressRules: [{ ...LOOPBACK_TEST_RULE, destination: '127.0.0.3' }, NAME_RULE],
    config: { server: { host: '127.0.0.3' } },
  });
});

afterAll(async () => {
  await moat.stop();
  await standIn.close();
});

async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${moat.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${moat.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('start-up', () => {
  it('refuses an upstream no rule allows, naming the model key, host and port', async () => {
    const started = startTestMoat({
      upstreams: [{ name: 'unruled', baseUrl: `http://127.0.0.1:${standIn.port}/v1` }],
      egressRules: [],
    });
    await expect(started).rejects.toThrow(
      `models[1].baseUrl: connects to 127.0.0.1 port ${standIn.port}, but no rule allows it`,
    );
  });

  it('refuses an upstream whose rule has expired', async () => {
    const started = startTestMoat({
      upstreams: [{ name: 'stale', baseUrl: `http://127.0.0.1:${standIn.port}/v1` }],
      egressRules: [{ ...LOOPBACK_TEST_RULE, expires: '2020-01-31' }],
    });
    await expect(started).rejects.toThrow('the rule that allowed it has expired');
  });
});

describe('fields that try to steer where Moat connects', () => {
  const targets = [
    'http://127.0.0.1:11434/',
    'http://169.254.169.254/latest/meta-data/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'file:///etc/passwd',
    'http://allowed.example#@127.0.0.1/',
    'http://allowed.example@127.0.0.1/',
  ];

  it('refuses image and file parts pointing anywhere, and the upstream sees nothing', async () => {
    for (const model of ['demo', 'by-name']) {
      for (const url of targets) {
        const parts = [
          { type: 'image_url', image_url: { url } },
          { type: 'file', file: { file_data: url } },
          { type: 'input_audio', input_audio: { data: url, format: 'wav' } },
        ];
        for (const part of parts) {
          const answer = await post('/v1/chat/completions', {
            model,
            messages: [{ role: 'user', content: [part] }],
          });
          expect(answer.status, `${model} ${part.type} ${url}`).toBe(400);
        }
      }
    }
    expect(standIn.received).toEqual([]);
  });

  it('refuses base-URL and host overrides in the body', async () => {
    const overrides = ['base_url', 'baseURL', 'api_base', 'host', 'url', 'endpoint', 'upstream'];
    for (const field of overrides) {
      for (const model of ['demo', 'by-name']) {
        const answer = await post('/v1/chat/completions', {
          model,
          messages: [{ role: 'user', content: 'hello' }],
          [field]: `http://127.0.0.1:${standIn.port}/v1`,
        });
        expect(answer.status, `${model} ${field}`).toBe(400);
        const embedding = await post('/v1/embeddings', { model, input: 'hi', [field]: '10.0.0.1' });
        expect(embedding.status, `embeddings ${field}`).toBe(400);
      }
    }
    expect(standIn.received).toEqual([]);
  });
});

describe('a model name outside the catalog', () => {
  it('is refused, never forwarded to an upstream', async () => {
    for (const model of ['gpt-4o', 'stand-in-model', 'by-name/../demo', 'http://127.0.0.1/v1']) {
      const chat = await post('/v1/chat/completions', {
        model,
        messages: [{ role: 'user', content: 'hello' }],
      });
      expect(chat.status, model).toBe(404);
      expect(chat.json).toMatchObject({ error: { code: 'model_not_found' } });
      const embedding = await post('/v1/embeddings', { model, input: 'hello' });
      expect(embedding.status, model).toBe(404);
    }
    expect(standIn.received).toEqual([]);
  });
});

describe('a refused connection at run time', () => {
  it('answers egress_denied, counts it and logs destination and port only', async () => {
    const canary = 'canary-egress-7f3a9c41d2';
    const answer = await post('/v1/chat/completions', {
      model: 'by-name',
      messages: [{ role: 'user', content: canary }],
    });
    expect(answer.status).toBe(502);
    expect(answer.json).toMatchObject({ error: { code: 'egress_denied' } });
    expect(standIn.received).toEqual([]);

    const metrics = await fetch(`${moat.url}/metrics`, {
      headers: { authorization: `Bearer ${moat.adminToken}` },
    }).then((response) => response.text());
    expect(metrics).toContain(
      'moat_egress_denied_total{kind="connect",reason="non_public_address"} 1',
    );

    const record = await waitForLogRecord(moat.logFile, 'egress denied');
    expect(record).toMatchObject({
      destination: 'localhost',
      port: standIn.port,
      egressReason: 'non_public_address',
      egressKind: 'connect',
    });
    expect(await readFile(moat.logFile, 'utf8')).not.toContain(canary.slice(0, 12));

    const audit = await runCliCaptured([
      'audit',
      'show',
      '--data',
      moat.dataDir,
      '--action',
      'egress.refused',
      '--json',
    ]);
    const entries = audit.stdout
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'egress.refused',
        outcome: 'refused',
        targets: ['host:localhost', `port:${standIn.port}`],
      }),
    ]);
  });
});

/** Moat writes its log about once a second; poll for the record. */
async function waitForLogRecord(file: string, event: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const line = text.split('\n').find((entry) => entry.includes(`"msg":"${event}"`));
    if (line !== undefined) return JSON.parse(line) as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no "${event}" record in the log`);
}
