import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { openChatStream } from './support/chat-stream.js';
import { startOpenAiStandIn } from './support/openai-stand-in.js';
import { startTestMoat } from './support/test-moat.js';

const LONG_ANSWER = { temperature: 0, max_tokens: 2000, stream: true };

describe('stopping Moat while answers are streaming', () => {
  it('ends each running stream with a shutting_down error event, then stops', async () => {
    const standIn = await startOpenAiStandIn({ models: ['slow'], chunkDelayMs: 20 });
    const moat = await startTestMoat({
      upstreams: [{ name: 'slow', baseUrl: standIn.url, upstreamModel: 'slow' }],
    });

    const streams = await Promise.all(
      ['slow', 'demo'].map((model) =>
        openChatStream(moat.url, {
          token: moat.adminToken,
          body: { model, messages: [{ role: 'user', content: 'Going' }], ...LONG_ANSWER },
        }),
      ),
    );
    const received = streams.map((): string[] => []);
    const tails = streams.map(async (stream, index) => {
      const events = received[index] ?? [];
      for await (const data of stream.events) events.push(data);
      return events;
    });
    // Answers reach the caller some way behind the model (redaction holds a tail back), so
    // wait until both streams have sent text before stopping.
    await waitFor(() => received.every((events) => events.length >= 2));

    const stoppedAt = performance.now();
    await moat.stop();
    const stopMs = performance.now() - stoppedAt;
    await standIn.close();

    for (const events of await Promise.all(tails)) {
      expect(events.at(-1)).toContain('"code":"shutting_down"');
      expect(events).not.toContain('[DONE]');
      expect(events.length).toBeGreaterThan(2);
    }
    expect(stopMs).toBeLessThan(10_000);
  });

  it('refuses a request that arrives while it stops with shutting_down', async () => {
    const moat = await startTestMoat();
    const slow = openChatStream(moat.url, {
      token: moat.adminToken,
      body: { model: 'demo', messages: [{ role: 'user', content: 'Going' }], ...LONG_ANSWER },
    });
    const opened = await slow;
    const stopping = moat.stop();

    const late = await request(`${moat.url}/v1/models`, {
      headers: { authorization: `Bearer ${moat.adminToken}` },
    }).then(
      async (response) => ({ status: response.statusCode, text: await response.body.text() }),
      () => ({ status: 0, text: 'connection refused' }),
    );
    for await (const data of opened.events) expect(data).not.toBe('[DONE]');
    await stopping;

    // Either the listener was already closed, or Moat answered in its own error shape.
    if (late.status !== 0) {
      expect(late.status).toBe(503);
      expect(late.text).toContain('"code":"shutting_down"');
    }
  });
});

async function waitFor(isDone: () => boolean, timeoutMs = 10_000): Promise<void> {
  const startedMs = performance.now();
  while (!isDone()) {
    if (performance.now() - startedMs > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
