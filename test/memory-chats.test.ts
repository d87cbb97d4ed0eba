import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from './support/cli-run.js';
import { callJson, newCanary } from './support/memory-client.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * Saving a conversation that already happened (`POST /v1/memory/chats`), the retention a
 * save gets (`GET /v1/memory/retention`), the audit entries of memory changes, and the
 * header that names the classes redaction acted on before the model saw a chat.
 */

const DAY = 86_400;
let moat: TestMoat;
let alice: string;
let chatOnly: string;
let auditor: string;

beforeAll(async () => {
  moat = await startTestMoat({
    config: { memory: { retention: { kinds: { chat: { defaultDays: 7, maxDays: 20 } } } } },
  });
  alice = await moat.createKey('alice', ['chat', 'memory']);
  chatOnly = await moat.createKey('chat-only', ['chat']);
  auditor = await moat.createKey('auditor', ['auditor']);
});

afterAll(async () => {
  await moat.stop();
});

const call = async (token: string, route: Parameters<typeof callJson>[2]) =>
  callJson(moat.url, token, route);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function auditTargets(action: string): Promise<string[][]> {
  const answer = await call(auditor, { method: 'GET', path: `/admin/audit?action=${action}` });
  return (answer.body.data as { targets: string[] }[]).map((entry) => entry.targets);
}

describe('the retention a saved chat gets', () => {
  it('answers the default and the ceiling that apply to the kind', async () => {
    const answer = await call(alice, { method: 'GET', path: '/v1/memory/retention?kind=chat' });
    expect(answer.body).toEqual({
      kind: 'chat',
      data_class: 'general',
      default_seconds: 7 * DAY,
      max_seconds: 20 * DAY,
    });
    const document = await call(alice, {
      method: 'GET',
      path: '/v1/memory/retention?kind=document&data_class=personal',
    });
    expect(document.body).toMatchObject({ default_seconds: 30 * DAY, max_seconds: 90 * DAY });
  });

  it('refuses an unknown kind or data class, naming the field', async () => {
    const kind = await call(alice, { method: 'GET', path: '/v1/memory/retention?kind=photo' });
    expect(kind.status).toBe(400);
    expect(kind.body.error?.param).toBe('kind');
    const dataClass = await call(alice, {
      method: 'GET',
      path: '/v1/memory/retention?kind=chat&data_class=secretive',
    });
    expect(dataClass.body.error?.param).toBe('data_class');
  });
});

describe('saving a conversation', () => {
  const messages = (canary: string) => [
    { role: 'user', content: `Mail ${canary}@example.com about the ${canary} plan` },
    { role: 'assistant', content: `Sure, the ${canary} plan.` },
  ];

  it('seals it with the wished retention, masks per memory policy, and audits the save', async () => {
    const canary = newCanary('chat');
    const saved = await call(alice, {
      method: 'POST',
      path: '/v1/memory/chats',
      body: { messages: messages(canary), retention_seconds: 3 * DAY },
    });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ object: 'memory.item', kind: 'chat' });
    expect(Number(saved.body.expires_at) - Number(saved.body.created_at)).toBe(3 * DAY);
    expect(saved.text).not.toContain(canary);

    const id = String(saved.body.id);
    const opened = await call(alice, { method: 'GET', path: `/v1/memory/${id}` });
    expect(opened.body.text).toBe(`Sure, the ${canary} plan.`);
    expect(opened.body.messages).toEqual([
      { role: 'user', content: `Mail [REDACTED EMAIL] about the ${canary} plan` },
    ]);
    expect(await auditTargets('memory.saved')).toContainEqual([
      `owner:${alice.split('_')[1] ?? ''}`,
      `memory-item:${sha256(id)}`,
    ]);

    const deleted = await call(alice, { method: 'DELETE', path: `/v1/memory/${id}` });
    expect(deleted.status).toBe(200);
    const receiptId = (deleted.body.receipt as { payload: { receiptId: string } }).payload
      .receiptId;
    expect(await auditTargets('memory.deleted')).toContainEqual([
      `owner:${alice.split('_')[1] ?? ''}`,
      `memory-item:${sha256(id)}`,
      'items:1',
      `receipt:${receiptId}`,
    ]);
  });

  it('refuses a retention past the ceiling, and saves nothing', async () => {
    const before = await call(alice, { method: 'GET', path: '/v1/memory' });
    const refused = await call(alice, {
      method: 'POST',
      path: '/v1/memory/chats',
      body: { messages: messages(newCanary('long')), retention_seconds: 21 * DAY },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'invalid_request',
      param: 'retention_seconds',
    });
    const after = await call(alice, { method: 'GET', path: '/v1/memory' });
    expect(after.body.data).toEqual(before.body.data);
  });

  it('needs the memory scope, and refuses a body it does not know', async () => {
    const body = { messages: messages(newCanary('scope')) };
    const noScope = await call(chatOnly, { method: 'POST', path: '/v1/memory/chats', body });
    expect(noScope.body.error?.code).toBe('insufficient_scope');

    const extra = await call(alice, {
      method: 'POST',
      path: '/v1/memory/chats',
      body: { ...body, model: 'demo' },
    });
    expect(extra.body.error?.code).toBe('unsupported_field');
  });

  it('blocks a secret on its way into memory, naming only the class', async () => {
    const secret = `password=${newCanary('pw')}Aa1!`;
    const blocked = await call(alice, {
      method: 'POST',
      path: '/v1/memory/chats',
      body: { messages: [{ role: 'user', content: secret }] },
    });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error?.code).toBe('content_blocked');
    expect(blocked.text).not.toContain(secret);
  });

  it('takes a session only with the CSRF token', async () => {
    const added = await runCliCaptured(
      ['users', 'add', 'erin', '--data', moat.dataDir],
      {},
      'erin-password-1234',
    );
    expect(added.exitCode).toBe(0);
    const signIn = await request(`${moat.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'erin', password: 'erin-password-1234' }),
    });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    const { csrfToken } = (await signIn.body.json()) as { csrfToken: string };

    const save = async (headers: Record<string, string>) => {
      const response = await request(`${moat.url}/v1/memory/chats`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify({ messages: messages(newCanary('erin')) }),
      });
      return { status: response.statusCode, body: (await response.body.json()) as object };
    };
    expect(await save({})).toMatchObject({ status: 403, body: { error: { code: 'csrf_failed' } } });
    const saved = await save({ 'x-moat-csrf': csrfToken });
    expect(saved.status).toBe(201);
    expect(await auditTargets('memory.saved')).toContainEqual([
      expect.stringMatching(/^owner:user:[a-z2-7]{12}$/),
      expect.stringMatching(/^memory-item:[0-9a-f]{64}$/),
    ]);
  });
});

describe('the redacted-classes header', () => {
  const chat = async (content: string) =>
    request(`${moat.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'demo',
        messages: [{ role: 'user', content }],
        max_tokens: 2,
        stream: true,
      }),
    });

  it('names the classes masked or pseudonymized before the model saw the chat', async () => {
    const canary = newCanary('mail');
    const response = await chat(`Write to ${canary}@example.com and call 212-555-0147 now`);
    await response.body.text();
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-moat-redacted']).toBe('EMAIL_ADDRESS, PHONE_NUMBER');
  });

  it('is absent when nothing was redacted', async () => {
    const response = await chat('What is the weather like?');
    await response.body.text();
    expect(response.headers['x-moat-redacted']).toBeUndefined();
  });
});
