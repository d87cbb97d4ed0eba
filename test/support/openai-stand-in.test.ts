import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

import { answerText } from './openai-stand-in-answers.js';
import { startOpenAiStandIn, type OpenAiStandIn } from './openai-stand-in.js';

let standIn: OpenAiStandIn | undefined;

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function post(url: string, body: object): Promise<{ status: number; text: string }> {
  const response = await request(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.statusCode, text: await response.body.text() };
}

function dataLines(text: string): string[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((event) => event.replace(/^data: /, ''));
}

describe('startOpenAiStandIn', () => {
  it('streams role, token, finish and usage chunks, then [DONE]', async () => {
    standIn = await startOpenAiStandIn({ answerTokens: 3 });
    const { status, text } = await post(`${standIn.url}/chat/completions`, {
      model: 'stand-in-model',
      messages: [{ role: 'user', content: 'one two' }],
      stream: true,
      stream_options: { include_usage: true },
    });

    const events = dataLines(text);
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data) as Record<string, unknown>);
    expect(status).toBe(200);
    expect(events.at(-1)).toBe('[DONE]');
    expect(chunks).toHaveLength(6);
    expect(chunks.at(-2)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
  });

  it('answers whole completions, lists its models and refuses unknown ones', async () => {
    standIn = await startOpenAiStandIn({ models: ['a-model'] });
    const known = await post(`${standIn.url}/chat/completions`, {
      model: 'a-model',
      messages: [],
      max_tokens: 2,
    });
    const unknown = await post(`${standIn.url}/chat/completions`, { model: 'other' });
    const models = await request(`${standIn.url}/models`);

    expect(JSON.parse(known.text)).toMatchObject({
      choices: [{ message: { content: answerText(2) }, finish_reason: 'length' }],
    });
    expect(unknown.status).toBe(404);
    expect(await models.body.json()).toMatchObject({ data: [{ id: 'a-model' }] });
    expect(standIn.received.map((received) => received.path)).toEqual([
      '/v1/chat/completions',
      '/v1/chat/completions',
      '/v1/models',
    ]);
  });

  it('answers 500 with the configured text after configure()', async () => {
    standIn = await startOpenAiStandIn();
    standIn.configure({ failure: 'error-500', errorText: 'marker-text' });

    const { status, text } = await post(`${standIn.url}/embeddings`, {
      model: 'stand-in-model',
      input: ['x'],
    });

    expect(status).toBe(500);
    expect(text).toContain('marker-text');
  });
});

describe('openai-stand-in-main', () => {
  it('prints its URL as one JSON line and stops on SIGTERM', async () => {
    const script = fileURLToPath(new URL('./openai-stand-in-main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--tokens', '2'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });

    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      const answer = await post(`${url}/chat/completions`, {
        model: 'stand-in-model',
        messages: [],
      });

      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(JSON.parse(answer.text)).toMatchObject({ usage: { completion_tokens: 2 } });
    } finally {
      child.kill('SIGTERM');
    }
    const [exitCode] = (await once(child, 'exit')) as [number | null];
    expect(exitCode).toBe(0);
  });
});
