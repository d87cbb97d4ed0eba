import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  startOpenAiStandIn,
  type OpenAiStandIn,
  type OpenAiStandInOptions,
} from '../../../test/support/openai-stand-in.js';
import { answerText, embeddingOf } from '../../../test/support/openai-stand-in-answers.js';
import type { ChatRequest, ChatStreamEvent, InferenceBackend } from '../inference-backend.js';
import { createUpstreamBackend, type UpstreamBackendOptions } from './upstream-backend.js';

const UPSTREAM_MODEL = 'upstream-name';
const API_KEY = 'sk-upstream-secret-key';

let standIn: OpenAiStandIn;
let backend: InferenceBackend;

async function start(
  standInOptions: OpenAiStandInOptions = {},
  backendOptions: Partial<UpstreamBackendOptions> = { apiKey: API_KEY },
): Promise<void> {
  standIn = await startOpenAiStandIn({ models: [UPSTREAM_MODEL], ...standInOptions });
  backend = createUpstreamBackend({
    baseUrl: standIn.url,
    upstreamModel: UPSTREAM_MODEL,
    timeoutMs: 5_000,
    ...backendOptions,
  });
}

afterEach(async () => {
  await backend.close();
  await standIn.close();
});

function chat(content: string, maxTokens?: number): ChatRequest {
  const options = maxTokens === undefined ? {} : { maxTokens };
  return { messages: [{ role: 'user', content }], options };
}

function live(): AbortSignal {
  return new AbortController().signal;
}

async function collect(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const collected: ChatStreamEvent[] = [];
  for await (const event of events) collected.push(event);
  return collected;
}

function textOf(events: readonly ChatStreamEvent[]): string {
  return events.map((event) => (event.type === 'delta' ? event.text : '')).join('');
}

describe('completeChat', () => {
  beforeEach(() => start());

  it('answers with the upstream text, finish reason and usage', async () => {
    const completion = await backend.completeChat(chat('three small words', 4), live());

    expect(completion).toEqual({
      text: answerText(4),
      finishReason: 'length',
      usage: { promptTokens: 3, completionTokens: 4 },
    });
  });

  it('sends the upstream model name, the key as Bearer, and only the options given', async () => {
    const request: ChatRequest = {
      messages: [{ role: 'user', content: 'hello' }],
      options: { temperature: 0.5, stop: ['\n'] },
    };
    await backend.completeChat(request, live());

    const [received] = standIn.received;
    expect(received?.path).toBe('/v1/chat/completions');
    expect(received?.authorization).toBe(`Bearer ${API_KEY}`);
    expect(received?.body).toEqual({
      model: UPSTREAM_MODEL,
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 256,
      temperature: 0.5,
      stop: ['\n'],
      stream: false,
    });
  });

  it('reuses keep-alive connections instead of opening one per request', async () => {
    for (let round = 0; round < 5; round += 1) {
      await backend.completeChat(chat('again', 2), live());
      await collect(backend.streamChat(chat('again', 2), live()));
    }

    // The pool may open a second connection while the first is still being released.
    expect(standIn.connectionCount).toBeLessThanOrEqual(2);
  });
});

describe('createUpstreamBackend options', () => {
  it('sends no Authorization header without a key, and its own default max_tokens', async () => {
    await start({}, { defaultMaxTokens: 3 });
    const completion = await backend.completeChat(chat('hi'), live());

    expect(completion.text).toBe(answerText(3));
    expect(standIn.received[0]?.authorization).toBeUndefined();
  });
});

describe('streamChat', () => {
  beforeEach(() => start());

  it('yields the deltas, then one finish with the upstream usage', async () => {
    const events = await collect(backend.streamChat(chat('two words', 5), live()));

    expect(textOf(events)).toBe(answerText(5));
    expect(events.filter((event) => event.type === 'delta')).toHaveLength(5);
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'length',
      usage: { promptTokens: 2, completionTokens: 5 },
    });
    expect(standIn.received[0]?.body).toMatchObject({
      model: UPSTREAM_MODEL,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('passes the first delta on before the upstream has sent the rest', async () => {
    standIn.configure({ chunkDelayMs: 60 });
    const events = backend.streamChat(chat('hi', 6), live())[Symbol.asyncIterator]();

    const first = await events.next();
    const chunksSentAtFirstDelta = standIn.received[0]?.chunksSent;
    const rest: ChatStreamEvent[] = [];
    for (let next = await events.next(); next.done !== true; next = await events.next()) {
      rest.push(next.value);
    }

    expect(first.value).toEqual({ type: 'delta', text: answerText(1) });
    expect(chunksSentAtFirstDelta).toBeLessThanOrEqual(3);
    expect(standIn.received[0]?.chunksSent).toBe(10);
    expect(rest.at(-1)?.type).toBe('finish');
  });

  it('counts content chunks as completion tokens when the upstream sends no usage', async () => {
    standIn.configure({ isUsageSent: false });
    const events = await collect(backend.streamChat(chat('a b c', 7), live()));

    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'length',
      usage: { promptTokens: 0, completionTokens: 7 },
    });
  });

  it('ends with finish reason stop when no limit cut the answer', async () => {
    const events = await collect(backend.streamChat(chat('hi'), live()));

    expect(textOf(events)).toBe(answerText(16));
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });
});

describe('embed', () => {
  beforeEach(() => start({ embeddingDimensions: 16 }));

  it('returns one vector per input, in input order, with the upstream token count', async () => {
    const inputs = ['first input', 'second', 'third one'];
    const result = await backend.embed(inputs, live());

    expect(result.vectors).toEqual(inputs.map((input) => embeddingOf(input, 16)));
    expect(result.promptTokens).toBe(inputs.join('').length);
    expect(standIn.received[0]).toMatchObject({
      path: '/v1/embeddings',
      body: { model: UPSTREAM_MODEL, input: inputs },
    });
  });

  it('answers an empty input list without asking the upstream', async () => {
    await expect(backend.embed([], live())).resolves.toEqual({ vectors: [], promptTokens: 0 });
    expect(standIn.received).toHaveLength(0);
  });
});
