import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAccessLine } from './support/access-log.js';
import { openChatStream } from './support/chat-stream.js';
import { startOpenAiStandIn, type OpenAiStandIn } from './support/openai-stand-in.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * Redaction on the request path, through a real Moat and the stand-in upstream, which
 * echoes the last message in three-character pieces: what it records is what the model saw,
 * and its stream splits every placeholder between chunks.
 */

let moat: TestMoat;
let upstream: OpenAiStandIn;

const NAME = 'Dana Whitfield';
const EMAIL = 'dana.whitfield@example.org';
const PHONE = '+44 20 7946 0321';
const CARD = '4111 1111 1111 1111';
const PROMPT = `Hello, I am ${NAME}. Mail ${EMAIL} or ring ${PHONE}; card ${CARD}.`;
const SHOWN = `Hello, I am ${NAME}. Mail ${EMAIL} or ring ${PHONE}; card [REDACTED CARD].`;
/** Plain text after the values, so that the answer streams in many pieces. */
const FILLER =
  'The rest of this answer is plain text about nothing in particular, long enough to be ' +
  'sent in many pieces while the newest words are held back for the scan.';
const PROTECTED = [NAME, EMAIL, PHONE, CARD, 'Whitfield', '7946', '1111'];

/**
 * Whether `text` holds the value as it would stand in text. A group of digits counts only
 * with no digit beside it: durations and sizes in logs and metrics ("0.0794613") hold any
 * four digits by chance.
 */
function holdsValue(text: string, value: string): boolean {
  if (!/^\d+$/u.test(value)) return text.includes(value);
  // Request ids are hex, so a hex letter beside the digits also makes them part of an id.
  const isIdCharacter = (character: string | undefined) =>
    character !== undefined && /[\da-f]/iu.test(character);
  for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
    if (!isIdCharacter(text[at - 1]) && !isIdCharacter(text[at + value.length])) return true;
  }
  return false;
}

beforeAll(async () => {
  upstream = await startOpenAiStandIn({ models: ['up'], echoPieceChars: 3 });
  moat = await startTestMoat({
    upstreams: [{ name: 'up', baseUrl: upstream.url }],
    // A shared machine under load can be slow; this file tests what is found, not how fast.
    config: { server: { maxBodyBytes: 4 * 1024 * 1024 }, redaction: { timeoutMs: 120_000 } },
  });
});

afterAll(async () => {
  await moat.stop();
  await upstream.close();
});

async function post(path: string, body: object) {
  const response = await request(`${moat.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${moat.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, requestId: String(response.headers['x-request-id']), text };
}

/** Everything the upstream has received since `from`, as one string. */
function receivedSince(from: number): string {
  return JSON.stringify(upstream.received.slice(from).map((record) => record.body));
}

const chat = (content: string, extra: object = {}) => ({
  model: 'up',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('redaction on the request path', () => {
  it('keeps protected values from the upstream and restores them in a whole answer', async () => {
    const from = upstream.received.length;
    const answer = await post('/v1/chat/completions', chat(PROMPT));

    expect(answer.status).toBe(200);
    const seen = receivedSince(from);
    for (const value of PROTECTED) expect(seen).not.toContain(value);
    expect(seen).toContain('Hello, I am <PERSON_1>. Mail <EMAIL_1> or ring <PHONE_1>');
    expect(seen).toContain('card [REDACTED CARD].');
    const body = JSON.parse(answer.text) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe(SHOWN);
  });

  it('restores placeholders split across streamed chunks, never sending a piece of one', async () => {
    const from = upstream.received.length;
    const stream = await openChatStream(moat.url, {
      token: moat.adminToken,
      body: chat(`${PROMPT} ${FILLER}`, { stream: true }),
    });
    const pieces: string[] = [];
    for await (const data of stream.events) {
      if (data === '[DONE]') break;
      const chunk = JSON.parse(data) as { choices: { delta: { content?: string } }[] };
      const content = chunk.choices[0]?.delta.content;
      if (content !== undefined && content !== '') pieces.push(content);
    }

    expect(pieces.join('')).toBe(`${SHOWN} ${FILLER}`);
    expect(pieces.length).toBeGreaterThan(5);
    for (const piece of pieces) expect(piece).not.toMatch(/<[A-Z_0-9]*>?|[A-Z]+_\d+>/u);
    for (const value of PROTECTED) expect(receivedSince(from)).not.toContain(value);
  });

  it('refuses a prompt holding a secret with 422, naming the class only', async () => {
    const from = upstream.received.length;
    const key = 'ghp_' + 'Zq7Lm2Xc9Vb4Nr8Tw1Ys6Kd3Hf5Jg0Pa2Qe8R';
    const answer = await post('/v1/chat/completions', chat(`deploy with ${key} please`));

    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.text)).toEqual({
      error: {
        message: 'The content holds data that policy blocks: SECRET.',
        type: 'invalid_request_error',
        code: 'content_blocked',
        param: null,
      },
    });
    expect(upstream.received.length).toBe(from);
  });

  it('pseudonymizes embedding inputs', async () => {
    const from = upstream.received.length;
    const answer = await post('/v1/embeddings', {
      model: 'up',
      input: [`contact ${EMAIL}`, 'nothing personal here'],
    });

    expect(answer.status).toBe(200);
    expect(receivedSince(from)).toContain('"input":["contact <EMAIL_1>","nothing personal here"]');
  });

  it('scans a 2 MB prompt whole: a secret at its very end is still blocked', async () => {
    const from = upstream.received.length;
    const filler = 'The shipment left the warehouse on time and arrived a day early. '.repeat(
      32_000,
    );
    const prompt = `${filler}password=Kx9#mQ2vL7pZ`;
    expect(prompt.length).toBeGreaterThan(2_000_000);

    const answer = await post('/v1/chat/completions', chat(prompt));
    expect(answer.status).toBe(422);
    expect(upstream.received.length).toBe(from);
  });

  it('logs and counts findings per class, never the values', async () => {
    const answer = await post('/v1/chat/completions', chat(PROMPT));
    const line = await waitFor(() => findAccessLine(moat.logFile, answer.requestId));

    expect(line.redactions).toEqual([
      'PERSON:model:pseudonymize=1',
      'EMAIL_ADDRESS:model:pseudonymize=1',
      'PHONE_NUMBER:model:pseudonymize=1',
      'CREDIT_CARD:model:mask=1',
    ]);
    const metrics = await fetchMetrics();
    expect(metrics).toMatch(
      /moat_redactions_total\{class="EMAIL_ADDRESS",direction="model",action="pseudonymize"\} [1-9]/u,
    );
    const log = await readFile(moat.logFile, 'utf8');
    for (const value of PROTECTED) {
      expect(holdsValue(log, value)).toBe(false);
      expect(holdsValue(metrics, value)).toBe(false);
    }
  });

  it('applies the same policy in front of the embedded model', async () => {
    const blocked = await post('/v1/chat/completions', {
      model: 'demo',
      messages: [{ role: 'user', content: 'my db password: Kx9#mQ2vL7pZ' }],
    });
    expect(blocked.status).toBe(422);

    const answered = await post('/v1/chat/completions', {
      model: 'demo',
      max_tokens: 4,
      messages: [{ role: 'user', content: PROMPT }],
    });
    expect(answered.status).toBe(200);
    const line = await waitFor(() => findAccessLine(moat.logFile, answered.requestId));
    expect(line.redactions).toContain('EMAIL_ADDRESS:model:pseudonymize=1');
  });
});

async function fetchMetrics(): Promise<string> {
  const response = await request(`${moat.url}/metrics`, {
    headers: { authorization: `Bearer ${moat.adminToken}` },
  });
  return response.body.text();
}

async function waitFor<Value>(read: () => Promise<Value>, timeoutMs = 5000): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
