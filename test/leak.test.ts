import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoModel } from '../src/inference/index.js';
import { egressYaml } from './support/egress-rules.js';
import { spawnMoat, type MoatProcess } from './support/moat-process.js';
import { startOpenAiStandIn, type OpenAiStandIn } from './support/openai-stand-in.js';

/**
 * Runs `moat serve` as a real child process and sends canaries through every content field
 * and every failure path, then reads every byte Moat wrote. Canaries use letters only, so an
 * eight-letter piece of one cannot turn up by chance in a binary file.
 */

const MOAT_BIN = fileURLToPath(new URL('../bin/moat.js', import.meta.url));
const canaries = new Map<string, string>();
function canary(label: string): string {
  const letters = [...randomBytes(22)].map((byte) => String.fromCharCode(97 + (byte % 26)));
  const value = `zq${letters.join('')}`;
  canaries.set(value, label);
  return value;
}

let root: string;
let dataDir: string;
let childTmp: string;
let logFile: string;
let moat: MoatProcess;
let upstream: OpenAiStandIn;
let brokenUpstream: OpenAiStandIn;
let failingUpstreams: OpenAiStandIn[] = [];
/** Reached only through a host-name rule, so the egress guard refuses it: it must see nothing. */
let refusedUpstream: OpenAiStandIn;
let adminToken: string;
let metricsText = '';
let auditText = '';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'moat-leak-'));
  dataDir = join(root, 'data');
  childTmp = join(root, 'tmp');
  logFile = join(root, 'log', 'moat.log');
  mkdirSync(childTmp, { recursive: true });
  const modelFile = join(root, 'demo.gguf');
  await writeDemoModel(modelFile);

  upstream = await startOpenAiStandIn({ models: ['up'], chunkDelayMs: 5 });
  brokenUpstream = await startOpenAiStandIn({
    models: ['broken'],
    failure: 'error-500',
    errorText: canary('upstreambody'),
  });
  failingUpstreams = await Promise.all(
    (['error-mid-stream', 'malformed-json', 'hang'] as const).map((failure) =>
      startOpenAiStandIn({ models: [failure], failure, errorText: canary(failure) }),
    ),
  );
  refusedUpstream = await startOpenAiStandIn({ models: ['refused'] });
  writeFileSync(join(root, 'moat.yaml'), configText(modelFile));

  moat = await spawnMoat(['serve', '--config', join(root, 'moat.yaml')], {
    PATH: process.env.PATH,
    TMPDIR: childTmp,
    MOAT_LOG_FILE: logFile,
    MOAT_LOG_LEVEL: 'trace',
  });
  const token = /moat_[a-z0-9]+_[A-Za-z0-9_-]+/.exec(moat.stdout())?.[0];
  if (token === undefined) throw new Error('the first start printed no admin key');
  adminToken = token;
});

afterAll(async () => {
  await upstream.close();
  await brokenUpstream.close();
  await Promise.all(failingUpstreams.map((standIn) => standIn.close()));
  await refusedUpstream.close();
  rmSync(root, { recursive: true, force: true });
});

function configText(modelFile: string): string {
  return [
    `dataDir: ${dataDir}`,
    'server:',
    '  port: 0',
    '  maxBodyBytes: 65536',
    'engine:',
    '  threads: 1',
    'models:',
    `  - { name: demo, backend: embedded, file: ${modelFile}, defaultMaxTokens: 8 }`,
    `  - { name: up, backend: upstream, baseUrl: "${upstream.url}" }`,
    `  - { name: broken, backend: upstream, baseUrl: "${brokenUpstream.url}" }`,
    '  - { name: gone, backend: upstream, baseUrl: "http://127.0.0.1:9/v1", timeoutMs: 500 }',
    ...failingUpstreams.map(
      (standIn, index) =>
        `  - { name: failing${index}, backend: upstream, baseUrl: "${standIn.url}", timeoutMs: 300 }`,
    ),
    `  - { name: refused, backend: upstream, baseUrl: "http://localhost:${refusedUpstream.port}/v1" }`,
    egressYaml([
      {
        destination: '127.0.0.1',
        ports: [upstream, brokenUpstream, ...failingUpstreams]
          .map((standIn) => standIn.port)
          .concat(9),
      },
      // A name rule reaches public addresses only: localhost is refused at connect time.
      { destination: 'localhost', ports: [refusedUpstream.port] },
    ]),
  ].join('\n');
}

async function post(path: string, body: string, token = adminToken): Promise<number> {
  const response = await request(`${moat.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  const text = await response.body.text();
  if (response.statusCode >= 400) {
    for (const value of canaries.keys())
      expect(containsPiece(Buffer.from(text), value, 8)).toBe(false);
  }
  return response.statusCode;
}

function chatBody(model: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: canary('system') },
      { role: 'user', content: [{ type: 'text', text: canary('userpart') }] },
      { role: 'assistant', content: canary('assistant') },
      { role: 'user', content: canary('user') },
    ],
    user: canary('enduser'),
    stop: [canary('stop')],
    max_tokens: 6,
    ...extra,
  });
}

/** Content that redaction blocks, and content it pseudonymizes, each carrying canaries. */
async function sendRedactionEvents(): Promise<Record<string, number>> {
  const redactionChat = (content: string, stream: boolean): string =>
    JSON.stringify({ model: 'up', stream, messages: [{ role: 'user', content }] });
  const secret = `db_password = ${canary('secretvalue')}9X!`;
  const personal = `Ask ${canary('mailbox')}@example.com, card 4111 1111 1111 1111.`;
  return {
    redactionBlocked: await post('/v1/chat/completions', redactionChat(secret, false)),
    redactionBlockedStream: await post('/v1/chat/completions', redactionChat(secret, true)),
    redactionPseudonymized: await post('/v1/chat/completions', redactionChat(personal, false)),
    redactionPseudonymizedStream: await post('/v1/chat/completions', redactionChat(personal, true)),
    redactionEmbeddings: await post(
      '/v1/embeddings',
      JSON.stringify({ model: 'up', input: [personal] }),
    ),
    tools: await post('/v1/chat/completions', toolChat('up', false)),
    toolsStream: await post('/v1/chat/completions', toolChat('up', true)),
    toolsEmbedded: await post('/v1/chat/completions', toolChat('demo', false)),
  };
}

/** A tool exchange with canaries in the definition, the earlier call and the tool's result. */
function toolChat(model: string, stream: boolean): string {
  const tool = {
    type: 'function',
    function: {
      name: 'lookup',
      description: canary('tooldescription'),
      parameters: { type: 'object', properties: { q: { type: 'string' } } },
    },
  };
  const call = {
    id: 'call_1',
    type: 'function',
    function: { name: 'lookup', arguments: JSON.stringify({ q: canary('toolarguments') }) },
  };
  return JSON.stringify({
    model,
    stream,
    tools: [tool],
    messages: [
      { role: 'user', content: canary('tooluser') },
      { role: 'assistant', content: null, tool_calls: [call] },
      {
        role: 'tool',
        tool_call_id: 'call_1',
        content: JSON.stringify({ r: canary('toolresult') }),
      },
    ],
  });
}

async function cancelMidStream(model: string): Promise<void> {
  const controller = new AbortController();
  const response = await request(`${moat.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: chatBody(model, { stream: true, max_tokens: 2000 }),
    signal: controller.signal,
  });
  for await (const chunk of response.body) {
    if ((chunk as Buffer).length > 0) break;
  }
  controller.abort();
}

describe('moat serve as a child process, with canaries in every content field', () => {
  it('answers the successful, failing and cancelled requests', async () => {
    const statuses = {
      demo: await post('/v1/chat/completions', chatBody('demo')),
      demoStream: await post('/v1/chat/completions', chatBody('demo', { stream: true })),
      upstream: await post('/v1/chat/completions', chatBody('up')),
      upstreamStream: await post('/v1/chat/completions', chatBody('up', { stream: true })),
      embeddings: await post(
        '/v1/embeddings',
        JSON.stringify({ model: 'demo', input: [canary('embed')] }),
      ),
      upstreamEmbeddings: await post(
        '/v1/embeddings',
        JSON.stringify({ model: 'up', input: canary('upembed') }),
      ),
      failingUpstream: await post('/v1/chat/completions', chatBody('broken')),
      failingUpstreamStream: await post(
        '/v1/chat/completions',
        chatBody('broken', { stream: true }),
      ),
      unreachableUpstream: await post('/v1/chat/completions', chatBody('gone')),
      refusedUpstream: await post('/v1/chat/completions', chatBody('refused')),
      refusedUpstreamStream: await post(
        '/v1/chat/completions',
        chatBody('refused', { stream: true }),
      ),
      malformedJson: await post(
        '/v1/chat/completions',
        `{"model":"demo","messages":"${canary('json')}`,
      ),
      wrongKey: await post(
        '/v1/chat/completions',
        chatBody('demo'),
        `moat_abcdefabcdef_${canary('token')}`,
      ),
      badFieldValue: await post(
        '/v1/chat/completions',
        chatBody('demo', { temperature: canary('temp') }),
      ),
      unknownField: await post(
        '/v1/chat/completions',
        chatBody('demo', { [canary('fieldname')]: 1 }),
      ),
      unknownModel: await post('/v1/chat/completions', chatBody(canary('model'))),
      oversize: await post(
        '/v1/chat/completions',
        chatBody('demo', { pad: canary('big').repeat(3000) }),
      ),
      ...(await sendRedactionEvents()),
    };
    await cancelMidStream('demo');
    await cancelMidStream('up');
    const failureStatuses = [];
    for (const index of [0, 1, 2]) {
      for (const stream of [false, true]) {
        const body = chatBody(`failing${index}`, { stream });
        failureStatuses.push(await post('/v1/chat/completions', body));
      }
    }
    const memoryStatuses = await exerciseMemory();
    const keyStatuses = await presentBadKeys();
    const urlStatuses = await sendCanariesInUrls();
    const adminStatuses = await sendCanariesToAdminRoutes();
    const pageStatuses = await useChatPageSession();

    expect(statuses).toEqual({
      demo: 200,
      demoStream: 200,
      upstream: 200,
      upstreamStream: 200,
      embeddings: 200,
      upstreamEmbeddings: 200,
      failingUpstream: 502,
      failingUpstreamStream: 502,
      unreachableUpstream: 503,
      refusedUpstream: 502,
      refusedUpstreamStream: 502,
      malformedJson: 400,
      wrongKey: 401,
      badFieldValue: 400,
      unknownField: 400,
      unknownModel: 404,
      oversize: 413,
      redactionBlocked: 422,
      redactionBlockedStream: 422,
      redactionPseudonymized: 200,
      redactionPseudonymizedStream: 200,
      redactionEmbeddings: 200,
      tools: 200,
      toolsStream: 200,
      toolsEmbedded: 400,
    });
    expect(failureStatuses.every((status) => status >= 500 || status === 200)).toBe(true);
    expect(memoryStatuses).toEqual([201, 201, 200, 200, 200, 200, 200, 404, 200, 400, 415, 200]);
    expect(keyStatuses).toEqual([401, 401, 401, 401]);
    expect(urlStatuses).toEqual([404, 404, 404]);
    expect(refusedUpstream.received).toEqual([]);
    expect(adminStatuses).toEqual([404, 400, 400, 403, 401]);
    expect(pageStatuses).toEqual([401, 401, 200, 200, 403, 200, 401]);
  });

  it('exposes metrics without any canary, then stops cleanly', async () => {
    const response = await request(`${moat.url}/metrics`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    metricsText = await response.body.text();
    expect(response.statusCode).toBe(200);
    expect(metricsText).toContain('moat_http_requests_total');

    expect(await moat.stop()).toBe(0);
  });

  it('audited key use, refusals and admin calls with ids only', () => {
    auditText = runMoatCommand(['audit', 'show', '--json']).trimEnd();
    const actions = auditText
      .split('\n')
      .map((line) => (JSON.parse(line) as { action: string }).action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'audit.started',
        'key.created',
        'key.revoked',
        'key.used-after-revocation',
        'admin.request',
        'audit.stopped',
      ]),
    );
  });

  it('wrote no canary, and no piece of one, anywhere', () => {
    const written = everythingWritten();
    expect(written.map((item) => item.name)).toEqual(
      expect.arrayContaining(['stdout', 'stderr', 'metrics', logFile]),
    );
    expect(readFileSync(logFile, 'utf8').split('\n').length).toBeGreaterThan(15);
    // The egress refusal path ran, and its records are part of what is scanned.
    expect(readFileSync(logFile, 'utf8')).toContain('"msg":"egress denied"');

    const found: string[] = [];
    for (const item of written) {
      for (const [value, label] of canaries) {
        if (containsPiece(item.bytes, value, 8)) found.push(`${item.name}: ${label}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('wrote the admin token only in the first-start banner, and no token secret anywhere else', () => {
    const secret = adminToken.split('_').slice(2).join('_');
    const elsewhere = everythingWritten().filter((item) => item.name !== 'stdout');
    for (const item of elsewhere) {
      expect(containsPiece(item.bytes, secret, 12), item.name).toBe(false);
    }
    const bannerLines = moat
      .stdout()
      .split('\n')
      .filter((line) => line.includes(secret));
    expect(bannerLines.length).toBeGreaterThan(0);
    expect(bannerLines.every((line) => /^\s+(moat_|-H "Authorization)/.test(line))).toBe(true);
  });
});

/** Keys that look right but are not: unknown id, wrong secret, revoked, and in the query. */
async function presentBadKeys(): Promise<number[]> {
  const created = runMoatCommand([
    'keys',
    'create',
    '--name',
    'revoked',
    '--scopes',
    'chat',
    '--json',
  ]);
  const { id, token } = JSON.parse(created) as { id: string; token: string };
  runMoatCommand(['keys', 'revoke', id]);
  canaries.set(token.split('_').slice(2).join('_'), 'revoked token');

  const secret = canary('secret').slice(0, 43).padEnd(43, 'q');
  const adminId = adminToken.split('_')[1] ?? '';
  const statuses = [
    await post('/v1/chat/completions', chatBody('demo'), `moat_${'k'.repeat(12)}_${secret}`),
    await post('/v1/chat/completions', chatBody('demo'), `moat_${adminId}_${secret}`),
    await post('/v1/chat/completions', chatBody('demo'), token),
  ];
  const inQuery = await request(
    `${moat.url}/v1/models?api_key=${adminToken}&key=${canary('query')}`,
  );
  await inQuery.body.dump();
  return [...statuses, inQuery.statusCode];
}

async function sendCanariesInUrls(): Promise<number[]> {
  const statuses: number[] = [];
  const paths = [
    `/v1/models/${canary('badurl')}%zz`,
    `/v1/models/${canary('longparam').repeat(6)}`,
  ];
  for (const path of paths) {
    const response = await request(`${moat.url}${path}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const text = await response.body.text();
    for (const value of canaries.keys())
      expect(containsPiece(Buffer.from(text), value, 8)).toBe(false);
    statuses.push(response.statusCode);
  }
  const anonymous = await request(`${moat.url}/v1/${canary('path')}`);
  await anonymous.body.dump();
  return [...statuses, anonymous.statusCode];
}

/** Admin routes given canaries in ids, bodies and filters, with and without the right key. */
async function sendCanariesToAdminRoutes(): Promise<number[]> {
  const calls: [string, string, string | null, string | undefined][] = [
    ['DELETE', `/admin/keys/${canary('adminid')}`, adminToken, undefined],
    ['POST', '/admin/keys', adminToken, JSON.stringify({ name: 'x', scopes: [canary('scope')] })],
    ['POST', '/admin/keys', adminToken, JSON.stringify({ name: canary('keyname') + '!' })],
    ['GET', `/admin/audit?actor=${canary('filter')}`, adminToken, undefined],
    ['GET', `/admin/keys?q=${canary('anon')}`, null, undefined],
  ];
  const statuses: number[] = [];
  for (const [method, path, token, body] of calls) {
    const response = await request(`${moat.url}${path}`, {
      method: method as 'GET',
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.body.text();
    for (const value of canaries.keys())
      expect(containsPiece(Buffer.from(text), value, 8)).toBe(false);
    statuses.push(response.statusCode);
  }
  return statuses;
}

/**
 * Saves, reads, searches, deletes and erases memory with canaries in every content field,
 * a file name and a title included, as a key of its own.
 */
async function exerciseMemory(): Promise<number[]> {
  const token = runMoatCommand([
    'keys',
    'create',
    '--name',
    'memory',
    '--scopes',
    'chat,memory',
    '--json',
  ]);
  const memoryToken = (JSON.parse(token) as { token: string }).token;
  const send = async (method: 'POST' | 'GET' | 'DELETE', path: string, body?: object) => {
    const response = await request(`${moat.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${memoryToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      json: text.startsWith('{') ? (JSON.parse(text) as { id?: string }) : {},
    };
  };

  const document = await send('POST', '/v1/memory/documents', {
    title: canary('memtitle'),
    file: {
      name: `${canary('memfilename')}.txt`,
      media_type: 'text/plain',
      data_base64: Buffer.from(`words ${canary('memfile')}`).toString('base64'),
    },
  });
  const second = await send('POST', '/v1/memory/documents', { text: canary('memtext') });
  const statuses = [document.status, second.status];
  statuses.push(
    (
      await send(
        'POST',
        '/v1/chat/completions',
        JSON.parse(chatBody('up', { store: true })) as object,
      )
    ).status,
  );
  statuses.push((await send('GET', `/v1/memory/${document.json.id ?? ''}`)).status);
  statuses.push((await send('POST', '/v1/memory/search', { query: canary('memsearch') })).status);
  statuses.push((await send('GET', '/v1/memory')).status);
  statuses.push((await send('DELETE', `/v1/memory/${second.json.id ?? ''}`)).status);
  statuses.push((await send('GET', `/v1/memory/${canary('memid')}`)).status);
  statuses.push(
    (
      await send(
        'POST',
        '/v1/chat/completions',
        JSON.parse(chatBody('up', { moat: { memory: { search: canary('memctx') } } })) as object,
      )
    ).status,
  );
  statuses.push(
    (
      await send('POST', '/v1/memory/documents', {
        text: canary('memretention'),
        retention_seconds: 10 ** 12,
      })
    ).status,
  );
  statuses.push(
    (
      await send('POST', '/v1/memory/documents', {
        file: { name: canary('memname'), media_type: 'image/png', data_base64: 'AAAA' },
      })
    ).status,
  );
  statuses.push((await send('DELETE', '/v1/memory')).status);
  return statuses;
}

function runMoatCommand(args: string[], input = ''): string {
  return execFileSync(process.execPath, [MOAT_BIN, ...args, '--data', dataDir], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    input,
  });
}

/**
 * The chat page's path: an account whose password is a canary, failed sign-ins carrying
 * canaries, a chat through the session cookie, a forged call, and sign-out. The session
 * token joins the canaries: it must not be written anywhere either.
 */
async function useChatPageSession(): Promise<number[]> {
  const password = canary('password');
  runMoatCommand(['users', 'add', 'leaktester'], `${password}\n`);
  const signIn = async (name: string, secret: string) =>
    request(`${moat.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password: secret }),
    });

  const statuses = [
    (await signIn('leaktester', canary('wrongpassword'))).statusCode,
    (await signIn(canary('username'), password)).statusCode,
  ];
  const signedIn = await signIn('leaktester', password);
  const cookie = String(signedIn.headers['set-cookie']).split(';')[0] ?? '';
  const { csrfToken } = (await signedIn.body.json()) as { csrfToken: string };
  canaries.set(cookie.split('=')[1] ?? '', 'session token');
  statuses.push(signedIn.statusCode);

  const asPerson = async (path: string, headers: Record<string, string>) => {
    const response = await request(`${moat.url}${path}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', ...headers },
      body: path === '/auth/sign-out' ? '{}' : chatBody('demo', { stream: true }),
    });
    await response.body.text();
    return response.statusCode;
  };
  statuses.push(await asPerson('/v1/chat/completions', { 'x-moat-csrf': csrfToken }));
  statuses.push(await asPerson('/v1/chat/completions', { 'x-moat-csrf': canary('csrf') }));
  statuses.push(await asPerson('/auth/sign-out', { 'x-moat-csrf': csrfToken }));
  statuses.push(await asPerson('/v1/chat/completions', { 'x-moat-csrf': csrfToken }));
  return statuses;
}

interface WrittenItem {
  name: string;
  bytes: Buffer;
}

function everythingWritten(): WrittenItem[] {
  return [
    { name: 'stdout', bytes: Buffer.from(moat.stdout()) },
    { name: 'stderr', bytes: Buffer.from(moat.stderr()) },
    { name: 'metrics', bytes: Buffer.from(metricsText) },
    { name: 'audit', bytes: Buffer.from(auditText) },
    ...filesBelow(dataDir),
    ...filesBelow(childTmp),
    ...filesBelow(join(root, 'log')),
  ];
}

function filesBelow(folder: string): WrittenItem[] {
  const items: WrittenItem[] = [];
  for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    const path = join(folder, name);
    if (statSync(path).isFile()) items.push({ name: path, bytes: readFileSync(path) });
  }
  return items;
}

function containsPiece(bytes: Buffer, value: string, pieceLength: number): boolean {
  for (let start = 0; start + pieceLength <= value.length; start += 1) {
    if (bytes.includes(value.slice(start, start + pieceLength))) return true;
  }
  return false;
}
