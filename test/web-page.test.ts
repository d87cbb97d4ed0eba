import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_ASSETS_DIR } from '../src/ui/index.js';
import { runCliCaptured } from './support/cli-run.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * The chat page's server side over real HTTP: the built bundle, the headers, sign-in,
 * sessions and CSRF, the trusted proxy's identity header.
 */

const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
let moat: TestMoat;

beforeAll(async () => {
  moat = await startTestMoat();
  const added = await runCliCaptured(
    ['users', 'add', 'carol', '--data', moat.dataDir],
    {},
    PASSWORD,
  );
  expect(added.exitCode).toBe(0);
});

afterAll(async () => {
  await moat.stop();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function send(
  path: string,
  options: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await request(`${moat.url}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    text: await response.body.text(),
  };
}

/** Signs carol in and answers her cookie header and CSRF token. */
async function signInCarol(): Promise<{ cookie: string; csrfToken: string; setCookie: string }> {
  const answer = await send('/auth/sign-in', {
    method: 'POST',
    body: { name: 'carol', password: PASSWORD },
  });
  expect(answer.status).toBe(200);
  const setCookie = String(answer.headers['set-cookie']);
  const cookie = setCookie.split(';')[0] ?? '';
  const { csrfToken } = JSON.parse(answer.text) as { csrfToken: string };
  return { cookie, csrfToken, setCookie };
}

const chatBody = { model: 'demo', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 };

describe('the built bundle', () => {
  const files = (folder: string): string[] =>
    readdirSync(folder).flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });

  it('holds an index, a script and a style sheet, and nothing from another host', () => {
    const paths = files(DEFAULT_WEB_ASSETS_DIR);
    expect(paths.some((path) => path.endsWith('index.html'))).toBe(true);
    expect(paths.some((path) => path.endsWith('.js'))).toBe(true);
    expect(paths.some((path) => path.endsWith('.css'))).toBe(true);

    for (const path of paths) {
      // An XML namespace is a name, never fetched; it is the one URL-shaped string allowed.
      const text = readFileSync(path, 'utf8').replaceAll('xmlns="http://www.w3.org/2000/svg"', '');
      const hosts = text.match(/(?:https?:|wss?:)?\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi) ?? [];
      expect(hosts, path).toEqual([]);
      expect(text, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('names no analytics or error-reporting SDK', () => {
    const sdkNames =
      /sentry|bugsnag|rollbar|datadog|newrelic|honeybadger|raygun|logrocket|fullstory|hotjar|google-analytics|googletagmanager|gtag\(|mixpanel|segment\.(io|com)|amplitude|posthog|plausible|matomo|heap-analytics|firebase|clarity\.ms|cdn\.|unpkg|jsdelivr|fonts\.googleapis/i;
    for (const path of files(DEFAULT_WEB_ASSETS_DIR)) {
      expect(readFileSync(path, 'utf8'), path).not.toMatch(sdkNames);
    }
  });
});

describe('serving the page', () => {
  it('answers / and its assets with the strict headers', async () => {
    const index = await send('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(index.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['permissions-policy']).toMatch(
      /camera=\(\).*geolocation=\(\).*microphone=\(\)/,
    );

    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)?.[1] ?? '';
    const asset = await send(script);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['content-security-policy']).toBe(csp);
  });

  it.each(['/assets/nothing.js', '/assets/..%2f..%2fpackage.json', '/index.html', '/../moat.db'])(
    'answers 404 for %s',
    async (path) => {
      const answer = await send(path);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'not_found' } });
    },
  );
});

describe('sign-in and sessions', () => {
  it('starts signed out', async () => {
    const answer = await send('/auth/session');
    expect(JSON.parse(answer.text)).toEqual({ signedIn: false, proxyIdentity: false });
  });

  it('refuses a wrong password and an unknown name alike, quoting neither', async () => {
    for (const body of [
      { name: 'carol', password: `${PASSWORD}x` },
      { name: 'nobody', password: PASSWORD },
      { name: '../carol', password: PASSWORD },
    ]) {
      const answer = await send('/auth/sign-in', { method: 'POST', body });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'invalid_credentials' } });
      expect(answer.text).not.toContain(PASSWORD);
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
  });

  it('sets an HttpOnly, SameSite=Strict cookie that expires, and keeps only its hash', async () => {
    const { setCookie, cookie } = await signInCarol();
    expect(setCookie).toMatch(
      /^moat_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );

    const token = cookie.split('=')[1] ?? '';
    const database = readFileSync(join(moat.dataDir, 'moat.db'));
    const wal = readFileSync(join(moat.dataDir, 'moat.db-wal'));
    expect(Buffer.concat([database, wal]).includes(token)).toBe(false);
    expect(Buffer.concat([database, wal]).includes(PASSWORD)).toBe(false);
  });

  it('lets the session read with its cookie, and change only with the CSRF token', async () => {
    const { cookie, csrfToken } = await signInCarol();
    expect((await send('/v1/models', { headers: { cookie } })).status).toBe(200);

    const withoutToken = await send('/v1/chat/completions', {
      method: 'POST',
      body: chatBody,
      headers: { cookie },
    });
    expect(JSON.parse(withoutToken.text)).toMatchObject({ error: { code: 'csrf_failed' } });

    const fromElsewhere = await send('/v1/chat/completions', {
      method: 'POST',
      body: chatBody,
      headers: { cookie, 'x-moat-csrf': csrfToken, origin: 'http://attacker.test' },
    });
    expect(fromElsewhere.status).toBe(403);

    const crossSite = await send('/v1/chat/completions', {
      method: 'POST',
      body: chatBody,
      headers: { cookie, 'x-moat-csrf': csrfToken, 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);

    const allowed = await send('/v1/chat/completions', {
      method: 'POST',
      body: chatBody,
      headers: { cookie, 'x-moat-csrf': csrfToken, origin: moat.url },
    });
    expect(allowed.status).toBe(200);
  });

  it('refuses a sign-in posted from another site', async () => {
    const answer = await send('/auth/sign-in', {
      method: 'POST',
      body: { name: 'carol', password: PASSWORD },
      headers: { origin: 'http://attacker.test' },
    });
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'csrf_failed' } });
  });

  it('does not give a session the admin scope', async () => {
    const { cookie } = await signInCarol();
    const answer = await send('/metrics', { headers: { cookie } });
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'insufficient_scope' } });
  });

  it('ends the session on sign-out, so its cookie is worthless afterwards', async () => {
    const { cookie, csrfToken } = await signInCarol();
    const out = await send('/auth/sign-out', {
      method: 'POST',
      body: {},
      headers: { cookie, 'x-moat-csrf': csrfToken },
    });
    expect(out.status).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^moat_session=; Path=\/; Max-Age=0;/);

    const replayed = await send('/v1/models', { headers: { cookie } });
    expect(replayed.status).toBe(401);
    expect(JSON.parse(replayed.text)).toMatchObject({ error: { code: 'session_expired' } });
    const session = await send('/auth/session', { headers: { cookie } });
    expect(JSON.parse(session.text)).toMatchObject({ signedIn: false });
  });

  it('audits sign-ins, refused sign-ins and sign-outs by account id, never by name', async () => {
    const created = await runCliCaptured([
      'keys',
      'create',
      '--name',
      'auditor',
      '--scopes',
      'auditor',
      '--json',
      '--data',
      moat.dataDir,
    ]);
    const { token } = JSON.parse(created.stdout) as { token: string };
    const entries = async (action: string) => {
      const answer = await send(`/admin/audit?action=${action}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return (JSON.parse(answer.text) as { data: { actor: { kind: string; id: string } }[] }).data;
    };

    const signedIn = await entries('session.signed-in');
    const signedOut = await entries('session.signed-out');
    const refused = await entries('session.sign-in-refused');
    expect(signedIn.length).toBeGreaterThan(2);
    expect(signedOut.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(2);
    expect(signedIn[0]?.actor.kind).toBe('user');
    expect(signedIn[0]?.actor.id).toMatch(/^[a-z2-7]{12}$/);
    expect(refused[0]?.actor).toMatchObject({ kind: 'user', id: 'anonymous' });
    const everything = JSON.stringify([...signedIn, ...signedOut, ...refused]);
    expect(everything).not.toContain('carol');
    expect(everything).not.toContain('nobody');
    expect(everything).not.toContain(PASSWORD);
  });

  it('prefers an API key in the Authorization header over a cookie', async () => {
    const { cookie } = await signInCarol();
    const answer = await send('/metrics', {
      headers: { cookie, authorization: `Bearer ${moat.adminToken}` },
    });
    expect(answer.status).toBe(200);
  });
});

describe('a trusted proxy in front', () => {
  let proxied: TestMoat;
  let untrusted: TestMoat;

  beforeAll(async () => {
    proxied = await startTestMoat({
      config: {
        web: { proxyIdentity: { header: 'x-remote-user', trustedAddresses: ['127.0.0.1'] } },
      },
    });
    untrusted = await startTestMoat({
      config: {
        web: { proxyIdentity: { header: 'x-remote-user', trustedAddresses: ['192.0.2.7'] } },
      },
    });
  });

  afterAll(async () => {
    await proxied.stop();
    await untrusted.stop();
  });

  async function proxySignIn(target: TestMoat, headers: Record<string, string>) {
    const response = await request(`${target.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    });
    return { status: response.statusCode, body: (await response.body.json()) as object };
  }

  it('signs in the person the proxy names, when the proxy connects from a trusted address', async () => {
    const answer = await proxySignIn(proxied, { 'x-remote-user': 'dave@example.org' });
    expect(answer).toMatchObject({ status: 200, body: { user: { name: 'dave@example.org' } } });
  });

  it('ignores the header from any other address, and without it signs no one in', async () => {
    expect((await proxySignIn(untrusted, { 'x-remote-user': 'dave' })).status).toBe(401);
    expect((await proxySignIn(proxied, {})).status).toBe(401);
  });

  it('never takes a password instead', async () => {
    const answer = await proxySignIn(proxied, {});
    expect(answer.body).toMatchObject({ error: { code: 'invalid_credentials' } });
  });
});
