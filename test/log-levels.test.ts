import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * Runs Moat at every log level and sends the same canaries through chat, a stream, a failed
 * request, a refused key and admin routes; then reads every file Moat wrote. No level may
 * record content: only break-glass capture does, and only as ciphertext.
 */

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

function canary(): string {
  return `zq${[...randomBytes(20)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;
}

async function send(moat: TestMoat, path: string, options: { token?: string; body?: string }) {
  const response = await request(`${moat.url}${path}`, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${options.token ?? moat.adminToken}`,
      'content-type': 'application/json',
    },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  await response.body.text();
  return response.statusCode;
}

async function exercise(moat: TestMoat, secret: string): Promise<number[]> {
  const chat = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      model: 'demo',
      messages: [{ role: 'user', content: secret }],
      max_tokens: 4,
      ...extra,
    });
  return [
    await send(moat, '/v1/chat/completions', { body: chat() }),
    await send(moat, '/v1/chat/completions', { body: chat({ stream: true }) }),
    await send(moat, '/v1/embeddings', { body: JSON.stringify({ model: 'demo', input: secret }) }),
    await send(moat, '/v1/chat/completions', { body: `{"model":"demo","messages":"${secret}` }),
    await send(moat, '/v1/chat/completions', { body: chat({ temperature: secret }) }),
    await send(moat, '/v1/models', {
      token: `moat_abcdefghijkl_${secret.padEnd(43, 'q').slice(0, 43)}`,
    }),
    await send(moat, `/admin/keys/${secret}`, {}),
    await send(moat, `/admin/audit?actor=${secret}`, {}),
  ];
}

function filesBelow(folder: string): { name: string; bytes: Buffer }[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ name: path, bytes: readFileSync(path) }));
}

function hasPiece(bytes: Buffer, value: string): boolean {
  for (let start = 0; start + 8 <= value.length; start += 1) {
    if (bytes.includes(value.slice(start, start + 8))) return true;
  }
  return false;
}

describe('every log level', () => {
  it.each(LEVELS)('writes no content and no token at level %s', async (level) => {
    const moat = await startTestMoat({ config: { log: { level } } });
    const secret = canary();
    let written: { name: string; bytes: Buffer }[] = [];
    try {
      expect(await exercise(moat, secret)).toEqual([200, 200, 200, 400, 400, 401, 405, 403]);
    } finally {
      await moat.close();
      written = filesBelow(moat.dataDir);
      await moat.stop();
    }

    const adminSecret = moat.adminToken.split('_').slice(2).join('_');
    const leaks = written.filter(
      (item) => hasPiece(item.bytes, secret) || hasPiece(item.bytes, adminSecret),
    );
    expect(leaks.map((item) => item.name)).toEqual([]);
    expect(written.map((item) => item.name)).toEqual(
      expect.arrayContaining([join(moat.dataDir, 'moat.db')]),
    );
  });
});
