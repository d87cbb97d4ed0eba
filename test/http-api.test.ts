import { connect } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

let moat: TestMoat;
let chatOnlyToken: string;
const canary = `canary-${Math.random().toString(36).slice(2)}-http`;

beforeAll(async () => {
  moat = await startTestMoat({ config: { server: { maxBodyBytes: 4096 } } });
  const store = openSqliteStore(join(moat.dataDir, 'moat.db'));
  chatOnlyToken = (await createApiKey(store, { name: 'chat-only', scopes: ['chat'] })).token;
  await store.close();
});

afterAll(async () => {
  await moat.stop();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => { error: { code: string; message: string; param: string | null; type: string } };
}

async function call(
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  options: { token?: string | null; body?: string; contentType?: string } = {},
): Promise<Answer> {
  const token = options.token === undefined ? moat.adminToken : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined)
    headers['content-type'] = options.contentType ?? 'application/json';

  const response = await request(`${moat.url}${path}`, {
    method,
    headers,
    body: options.body ?? null,
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as ReturnType<Answer['json']>,
  };
}

/** Sends raw bytes and returns whatever comes back before the server closes. */
async function rawExchange(bytes: string): Promise<string> {
  const { port } = new URL(moat.url);
  const socket = connect(Number(port), '127.0.0.1');
  socket.end(bytes);
  let received = '';
  for await (const chunk of socket) received += (chunk as Buffer).toString('utf8');
  return received;
}

const chatBody = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    model: 'demo',
    messages: [{ role: 'user', content: canary }],
    max_tokens: 3,
    ...extra,
  });

describe('authentication', () => {
  it('asks for a key when none is sent', async () => {
    const answer = await call('POST', '/v1/chat/completions', { token: null, body: chatBody() });
    expect(answer.status).toBe(401);
    expect(answer.json().error.code).toBe('missing_api_key');
  });

  it('refuses a wrong key without repeating it', async () => {
    const wrongToken = `moat_${'a'.repeat(12)}_${canary}`;
    const answer = await call('GET', '/v1/models', { token: wrongToken });
    expect(answer.status).toBe(401);
    expect(answer.json().error.code).toBe('invalid_api_key');
    expect(answer.text).not.toContain(canary);
    expect(answer.text).not.toContain('aaaaaaaaaaaa');
  });

  it('keeps /metrics to keys with the admin scope', async () => {
    const anonymous = await call('GET', '/metrics', { token: null });
    const chatOnly = await call('GET', '/metrics', { token: chatOnlyToken });
    const admin = await call('GET', '/metrics');

    expect([anonymous.status, chatOnly.status, admin.status]).toEqual([401, 403, 200]);
    expect(chatOnly.json().error.code).toBe('insufficient_scope');
    expect(admin.text).toContain('moat_http_requests_total');
    expect(admin.text).toContain('moat_time_to_first_token_seconds');
  });

  it('answers /healthz without a key and without details', async () => {
    const answer = await call('GET', '/healthz', { token: null });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: 'ok' });
  });
});

describe('bad input gets a clear error that never echoes content', () => {
  it.each([
    ['malformed JSON', `{"model":"demo","messages":[{"content":"${canary}"`, 'invalid_json', 400],
    ['an empty body', '', 'invalid_json', 400],
    ['a body that is not an object', JSON.stringify(canary), 'invalid_request', 400],
    [
      'a message role that does not exist',
      chatBody({ messages: [{ role: canary, content: 'x' }] }),
      'invalid_request',
      400,
    ],
    ['a field of the wrong type', chatBody({ temperature: canary }), 'invalid_request', 400],
    ['an unknown field', chatBody({ [canary]: canary }), 'unsupported_field', 400],
    [
      'an unsupported OpenAI field',
      chatBody({ functions: [{ name: canary }] }),
      'unsupported_field',
      400,
    ],
    [
      'a tool in the wrong shape',
      chatBody({ tools: [{ type: 'function', function: { name: `${canary} !` } }] }),
      'invalid_request',
      400,
    ],
    [
      'tool calls on a user message',
      chatBody({
        messages: [
          {
            role: 'user',
            content: canary,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
        ],
      }),
      'invalid_request',
      400,
    ],
    [
      'two tools of one name',
      chatBody({
        tools: [
          { type: 'function', function: { name: 'f', description: canary } },
          { type: 'function', function: { name: 'f' } },
        ],
      }),
      'invalid_request',
      400,
    ],
    [
      'parallel_tool_calls without tools',
      chatBody({ parallel_tool_calls: false }),
      'invalid_request',
      400,
    ],
    [
      'a tool schema nested past any real one',
      chatBody({
        tools: [
          {
            type: 'function',
            function: {
              name: 'f',
              parameters: JSON.parse(
                `${'{"a":'.repeat(100)}"${canary}"${'}'.repeat(100)}`,
              ) as object,
            },
          },
        ],
      }),
      'invalid_request',
      400,
    ],
    [
      'a tool result that answers no call made before it',
      chatBody({ messages: [{ role: 'tool', tool_call_id: 'nowhere', content: canary }] }),
      'invalid_request',
      400,
    ],
    [
      'a tool message without the call it answers',
      chatBody({ messages: [{ role: 'tool', content: canary }] }),
      'invalid_request',
      400,
    ],
    ['a model outside the catalog', chatBody({ model: canary }), 'model_not_found', 404],
    ['an oversize body', chatBody({ padding: canary.repeat(400) }), 'body_too_large', 413],
  ])('%s', async (...[, body, code, status]) => {
    const answer = await call('POST', '/v1/chat/completions', { body });
    expect({ status: answer.status, code: answer.json().error.code }).toEqual({ status, code });
    expect(answer.text).not.toContain(canary);
  });

  it('names the offending field in the message and in param', async () => {
    const answer = await call('POST', '/v1/chat/completions', { body: chatBody({ top_p: 7 }) });
    expect(answer.json().error).toMatchObject({ code: 'invalid_request', param: 'top_p' });
    expect(answer.json().error.message).toContain('top_p');

    const noTools = await call('POST', '/v1/chat/completions', { body: chatBody({ tools: [] }) });
    expect(noTools.json().error).toMatchObject({ code: 'invalid_request', param: 'tools' });

    const choice = await call('POST', '/v1/chat/completions', {
      body: chatBody({ tool_choice: { type: 'function', function: { name: 'lookup' } } }),
    });
    expect(choice.json().error).toMatchObject({ code: 'invalid_request', param: 'tool_choice' });
  });

  it('refuses tools on the embedded engine, naming the field, never ignoring them', async () => {
    const tool = { type: 'function', function: { name: 'lookup', description: canary } };
    for (const stream of [false, true]) {
      const answer = await call('POST', '/v1/chat/completions', {
        body: chatBody({ tools: [tool], stream }),
      });
      expect(answer.status).toBe(400);
      expect(answer.json().error).toMatchObject({ code: 'unsupported_field', param: 'tools' });
      expect(answer.json().error.message).toContain('embedded engine');
      expect(answer.text).not.toContain(canary);
    }

    const toolResult = await call('POST', '/v1/chat/completions', {
      body: chatBody({
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: canary },
        ],
      }),
    });
    expect(toolResult.json().error).toMatchObject({
      code: 'unsupported_field',
      param: 'messages',
    });
    expect(toolResult.text).not.toContain(canary);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const answer = await call('POST', '/v1/chat/completions', {
      body: canary,
      contentType: 'text/plain',
    });
    expect([answer.status, answer.json().error.code]).toEqual([415, 'unsupported_media_type']);
    expect(answer.text).not.toContain(canary);
  });

  it('tells an unknown route from a known route with the wrong method', async () => {
    const missing = await call('GET', `/v1/${canary}`);
    const wrongMethod = await call('PUT', '/v1/chat/completions', { body: '{}' });
    expect([missing.status, missing.json().error.code]).toEqual([404, 'not_found']);
    expect([wrongMethod.status, wrongMethod.json().error.code]).toEqual([
      405,
      'method_not_allowed',
    ]);
    expect(missing.text).not.toContain(canary);
  });
});

describe('requests Fastify would otherwise answer itself', () => {
  it('answers a malformed URL and an over-long path parameter without quoting them', async () => {
    for (const path of [`/v1/models/${canary}%zz`, `/v1/models/${canary.repeat(6)}`]) {
      const answer = await call('GET', path);
      expect([answer.status, answer.json().error.code]).toEqual([404, 'not_found']);
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.text).not.toContain(canary);
    }
  });

  it('answers bytes that are not HTTP with a fixed error', async () => {
    const reply = await rawExchange(`${canary} ${canary}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('"code":"invalid_request"');
    expect(reply).not.toContain(canary);
  });

  it('answers a request without Host in its own shape', async () => {
    const reply = await rawExchange('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('"code":"invalid_request"');
    expect(reply.toLowerCase()).toContain('cache-control: no-store');
  });

  it('forgets requests cut short behind a pipelined one', async () => {
    const inFlight = async (): Promise<string | undefined> =>
      /^moat_http_requests_in_flight (\d+)/m.exec((await call('GET', '/metrics')).text)?.[1];
    const before = await inFlight();

    const pipelined = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(2) + 'GARBAGE\r\n\r\n';
    for (let round = 0; round < 5; round += 1) await rawExchange(pipelined);

    expect(await inFlight()).toBe(before);
  });

  it('gives a known path asked with the wrong method 405 and an Allow header', async () => {
    const answer = await call('POST', '/v1/models/demo', { body: '{}' });
    expect([answer.status, answer.json().error.code]).toEqual([405, 'method_not_allowed']);
    expect(answer.headers.allow).toBe('GET, HEAD');
  });
});

describe('bodies that would mean something other than they say are refused', () => {
  it.each([
    ['a __proto__ key', `{"__proto__":{"x":1},"model":"demo","messages":[]}`, 'invalid_request'],
    [
      'a name on a message',
      chatBody({ messages: [{ role: 'user', content: 'x', name: canary }] }),
      'unsupported_field',
    ],
    [
      'stream_options without stream',
      chatBody({ stream_options: { include_usage: true } }),
      'invalid_request',
    ],
    [
      'two different token budgets',
      chatBody({ max_tokens: 3, max_completion_tokens: 5 }),
      'invalid_request',
    ],
  ])('%s', async (...[, body, code]) => {
    const answer = await call('POST', '/v1/chat/completions', { body });
    expect([answer.status, answer.json().error.code]).toEqual([400, code]);
    expect(answer.text).not.toContain(canary);
  });

  it('refuses a body that is not valid UTF-8 instead of replacing bytes', async () => {
    const body = Buffer.concat([
      Buffer.from('{"model":"demo","messages":[{"role":"user","content":"'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      Buffer.from('"}]}'),
    ]);
    const response = await request(`${moat.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${moat.adminToken}` },
      body,
    });
    const text = await response.body.text();
    expect([response.statusCode, text]).toEqual([400, expect.stringContaining('not valid UTF-8')]);
  });

  it('checks the key before reading the body', async () => {
    const answer = await call('POST', '/v1/chat/completions', { token: null, body: '{broken' });
    expect([answer.status, answer.json().error.code]).toEqual([401, 'missing_api_key']);
  });

  it('refuses compressed bodies and charsets other than UTF-8', async () => {
    for (const headers of [
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      { 'content-type': 'application/json; charset=utf-16' },
    ]) {
      const response = await request(`${moat.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${moat.adminToken}` },
        body: chatBody(),
      });
      const text = await response.body.text();
      expect([response.statusCode, text]).toEqual([
        415,
        expect.stringContaining('unsupported_media_type'),
      ]);
    }
  });

  it('says a field of the wrong type must be of the right one, not that it is missing', async () => {
    const answer = await call('POST', '/v1/chat/completions', {
      body: chatBody({ max_tokens: canary }),
    });
    expect(answer.json().error.message).toBe('Field max_tokens must be a number.');

    const missing = await call('POST', '/v1/chat/completions', {
      body: JSON.stringify({ model: 'demo' }),
    });
    expect(missing.json().error.message).toBe('Field messages is required.');
  });
});

describe('headers', () => {
  it('marks every answer no-store and gives it a request id', async () => {
    for (const answer of [
      await call('POST', '/v1/chat/completions', { body: chatBody() }),
      await call('GET', '/v1/models'),
      await call('GET', '/v1/nothing-here'),
    ]) {
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it.each([
    ['the requested budget', { max_tokens: 4 }, 4],
    ['the newer budget field', { max_completion_tokens: 5 }, 5],
    ["the model's default budget when none is sent", {}, 16],
  ])('answers a whole chat completion with %s', async (...[, budget, expectedTokens]) => {
    // Greedy decoding of this prompt never ends by itself on the demo model.
    const talkative = { messages: [{ role: 'user', content: 'Going' }], temperature: 0 };
    const answer = await call('POST', '/v1/chat/completions', {
      body: JSON.stringify({ model: 'demo', ...talkative, ...budget }),
    });
    const body = JSON.parse(answer.text) as {
      usage: { completion_tokens: number };
      choices: { finish_reason: string }[];
    };
    expect(answer.status).toBe(200);
    expect(body.usage.completion_tokens).toBe(expectedTokens);
    expect(body.choices[0]?.finish_reason).toBe('length');
  });
});
