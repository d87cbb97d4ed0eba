import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStream } from './support/chat-stream.js';
import { runCommand, runMoat } from './support/command-process.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * Node.js cannot make an X.509 certificate by itself, so a throwaway one comes from the
 * openssl command. Without it the HTTPS tests are skipped, and their title says why.
 */
const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).error === undefined;
const skipNote = hasOpenssl ? '' : ' (skipped: the openssl command is not installed)';

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'moat-tls-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** A self-signed P-256 certificate for 127.0.0.1, valid for one day. */
async function makeCertificate(): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(folder, 'cert.pem');
  const keyFile = join(folder, 'key.pem');
  const run = await runCommand(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
      ...['-nodes', '-days', '1', '-keyout', keyFile, '-out', certFile],
      ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { env: { PATH: process.env.PATH }, cwd: folder },
  );
  if (run.exitCode !== 0) throw new Error(`openssl failed: ${run.stderr}`);
  return { certFile, keyFile };
}

describe.skipIf(!hasOpenssl)(`Moat serving HTTPS itself${skipNote}`, () => {
  let moat: TestMoat;
  let trusting: Agent;

  beforeAll(async () => {
    const tls = await makeCertificate();
    moat = await startTestMoat({ config: { server: { tls } } });
    trusting = new Agent({ connect: { ca: readFileSync(tls.certFile) } });
  });

  afterAll(async () => {
    await trusting.close();
    await moat.stop();
  });

  it('answers /healthz and chats, whole and streamed, over HTTPS', async () => {
    expect(moat.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await request(`${moat.url}/healthz`, { dispatcher: trusting });
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toEqual({ status: 'ok' });

    const chat = await request(`${moat.url}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: trusting,
      headers: { authorization: `Bearer ${moat.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(chat.statusCode).toBe(200);
    expect(await chat.body.json()).toMatchObject({ object: 'chat.completion', model: 'demo' });

    const stream = await openChatStream(moat.url, {
      token: moat.adminToken,
      body: { model: 'demo', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      dispatcher: trusting,
    });
    const events: string[] = [];
    for await (const data of stream.events) events.push(data);
    expect(stream.status).toBe(200);
    expect(events.length).toBeGreaterThan(2);
    expect(events.at(-1)).toBe('[DONE]');
  });

  it('is refused by a client that does not trust the configured certificate', async () => {
    const untrusted = request(`${moat.url}/healthz`);
    await expect(untrusted).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('does not answer plain HTTP on the same port', async () => {
    const plainUrl = moat.url.replace(/^https:/, 'http:');
    const plain = request(`${plainUrl}/healthz`, { headersTimeout: 5_000 });
    // The TLS layer drops a connection that does not open with a handshake: no HTTP answer.
    await expect(plain).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });
});

describe('moat serve on a non-loopback address', () => {
  it('refuses 0.0.0.0 without TLS, naming server.tls, before making its data folder', async () => {
    const dataDir = join(folder, 'never-created');
    const run = await runMoat(['serve', '--data', dataDir, '--port', '0', '--host', '0.0.0.0'], {
      env: { PATH: process.env.PATH },
      cwd: folder,
    });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--host (server.host): is not a loopback address');
    expect(run.stderr).toContain('server.tls');
    expect(existsSync(dataDir)).toBe(false);
  });
});
