import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../src/audit/index.js';
import { createApiKey } from '../src/auth/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

let moat: TestMoat;
const tokens: Record<string, string | null> = { anonymous: null };
const ids: Record<string, string> = {};

beforeAll(async () => {
  moat = await startTestMoat();
  const store = openSqliteStore(join(moat.dataDir, 'moat.db'));
  for (const scope of ['chat', 'memory', 'admin', 'auditor'] as const) {
    const created = await createApiKey(store, { name: `only-${scope}`, scopes: [scope] });
    tokens[scope] = created.token;
    ids[scope] = created.id;
  }
  await store.close();
});

afterAll(async () => {
  await moat.stop();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { token: string | null; body?: unknown },
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== null) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const answer = await request(`${moat.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await answer.body.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: answer.statusCode, body };
}

async function auditEntries(query: string): Promise<AuditEntry[]> {
  const answer = await call('GET', `/admin/audit?${query}`, { token: tokens.auditor ?? null });
  expect(answer.status).toBe(200);
  return answer.body.data as AuditEntry[];
}

/** Each route, and the one scope that may call it. */
const ROUTES = [
  { method: 'GET', path: '/admin/keys', scope: 'admin' },
  { method: 'POST', path: '/admin/keys', scope: 'admin', body: { name: 'made', scopes: ['chat'] } },
  { method: 'DELETE', path: '/admin/keys/zzzzzzzzzzzz', scope: 'admin', okStatus: 404 },
  { method: 'GET', path: '/admin/audit', scope: 'auditor' },
  { method: 'GET', path: '/metrics', scope: 'admin' },
  { method: 'GET', path: '/admin/memory/owners', scope: 'admin' },
  {
    method: 'POST',
    path: '/admin/erasures',
    scope: 'admin',
    body: { owner_id: 'nobody-stored-here', reason: 'The person asked for their data to go.' },
    okStatus: 404,
  },
  { method: 'GET', path: '/admin/break-glass', scope: 'admin' },
  { method: 'GET', path: '/v1/models', scope: 'chat' },
  {
    method: 'POST',
    path: '/v1/chat/completions',
    scope: 'chat',
    body: { model: 'demo', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 1 },
    okStatus: 200,
  },
  {
    method: 'POST',
    path: '/v1/embeddings',
    scope: 'chat',
    body: { model: 'demo', input: 'Hi' },
    okStatus: 200,
  },
  { method: 'GET', path: '/v1/memory', scope: 'memory' },
  {
    method: 'POST',
    path: '/v1/memory/search',
    scope: 'memory',
    body: { query: 'hi' },
    okStatus: 200,
  },
  { method: 'GET', path: '/v1/memory/mem_missing', scope: 'memory', okStatus: 404 },
  { method: 'DELETE', path: '/v1/memory', scope: 'memory' },
] as const;

describe('roles', () => {
  for (const route of ROUTES) {
    for (const caller of ['anonymous', 'chat', 'memory', 'admin', 'auditor'] as const) {
      const expected =
        caller === 'anonymous'
          ? 401
          : caller === route.scope
            ? 'okStatus' in route
              ? route.okStatus
              : route.method === 'POST'
                ? 201
                : 200
            : 403;

      it(`${route.method} ${route.path} answers ${expected} to ${caller}`, async () => {
        const answer = await call(route.method, route.path, {
          token: tokens[caller] ?? null,
          ...('body' in route ? { body: route.body } : {}),
        });
        expect(answer.status).toBe(expected);
        if (expected === 403) {
          expect(answer.body.error).toMatchObject({
            code: 'insufficient_scope',
            type: 'permission_error',
            message: `The API key does not have the "${route.scope}" scope this route needs.`,
          });
        }
        if (expected === 401) expect(answer.body.error).toMatchObject({ code: 'missing_api_key' });
      });
    }
  }
});

describe('admin keys', () => {
  it('creates a key whose token works once shown, lists it without secrets, and revokes it', async () => {
    const admin = tokens.admin ?? null;
    const created = await call('POST', '/admin/keys', {
      token: admin,
      body: { name: 'ci runner', scopes: ['chat'] },
    });
    expect(created.status).toBe(201);
    const { id, token } = created.body as { id: string; token: string };
    expect((await call('GET', '/v1/models', { token })).status).toBe(200);

    const listed = await call('GET', '/admin/keys', { token: admin });
    const listedText = JSON.stringify(listed.body);
    expect(listedText).toContain(id);
    expect(listedText).not.toContain(token.slice(-43));
    expect(listedText).not.toMatch(/tokenHash|[0-9a-f]{64}/);

    expect((await call('DELETE', `/admin/keys/${id}`, { token: admin })).body).toEqual({
      id,
      revoked: true,
    });
    const refused = await call('GET', '/v1/models', { token });
    expect(refused.body.error).toMatchObject({ code: 'invalid_api_key' });

    const trail = await auditEntries(`target=${id}`);
    expect(trail.map((entry) => [entry.action, entry.actor.id, entry.outcome])).toEqual([
      ['key.created', ids.admin, 'ok'],
      ['key.revoked', ids.admin, 'ok'],
      ['key.used-after-revocation', id, 'refused'],
    ]);
    expect(JSON.stringify(trail)).not.toContain(token.slice(-43));
  });

  it('refuses a bad body in the /v1 error shape, naming the field', async () => {
    const answer = await call('POST', '/admin/keys', {
      token: tokens.admin ?? null,
      body: { name: 'x', scopes: ['root'] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'invalid_request',
      type: 'invalid_request_error',
    });
  });
});

describe('admin calls in the audit log', () => {
  it('records every admin call, refused ones too, by route pattern', async () => {
    await call('GET', '/admin/keys', { token: null });
    await call('GET', '/admin/keys', { token: tokens.chat ?? null });
    const entries = await auditEntries('action=admin.request&target=route:GET:/admin/keys');
    const summary = entries.map((entry) => [entry.actor.id, entry.actor.role, entry.outcome]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['anonymous', 'none', 'refused'],
        [ids.chat, 'other', 'refused'],
        [ids.admin, 'admin', 'ok'],
      ]),
    );
  });

  it('answers a bad filter with a clear 400', async () => {
    const answer = await call('GET', '/admin/audit?since=yesterday', {
      token: tokens.auditor ?? null,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', param: 'since' });
  });
});
