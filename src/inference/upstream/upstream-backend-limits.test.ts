import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  startEndlessUpstream,
  type EndlessUpstream,
} from '../../../test/support/endless-upstream.js';
import {
  startOpenAiStandIn,
  type OpenAiStandIn,
  type OpenAiStandInOptions,
} from '../../../test/support/openai-stand-in.js';
import { isMoatError } from '../../errors/index.js';
import type { ChatRequest, InferenceBackend } from '../inference-backend.js';
import { createUpstreamBackend, type UpstreamBackendOptions } from './upstream-backend.js';

const MODEL = 'stand-in-model';
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

let standIn: OpenAiStandIn | undefined;
let endless: EndlessUpstream | undefined;
let backend: InferenceBackend | undefined;

function connect(baseUrl: string, options: Partial<UpstreamBackendOptions> = {}): InferenceBackend {
  backend = createUpstreamBackend({ baseUrl, upstreamModel: MODEL, timeoutMs: 5_000, ...options });
  return backend;
}

async function startStandIn(
  behaviour: OpenAiStandInOptions,
  options: Partial<UpstreamBackendOptions> = {},
): Promise<InferenceBackend> {
  standIn = await startOpenAiStandIn(behaviour);
  return connect(standIn.url, options);
}

afterEach(async () => {
  await backend?.close();
  await standIn?.close();
  await endless?.close();
  backend = undefined;
  standIn = undefined;
  endless = undefined;
});

const REQUEST: ChatRequest = { messages: [{ role: 'user', content: 'hello' }], options: {} };

function live(): AbortSignal {
  return new AbortController().signal;
}

async function failureOf(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
}

function codeOf(thrown: unknown): string {
  return isMoatError(thrown) ? thrown.code : `not a MoatError: ${String(thrown)}`;
}

function causeOf(thrown: unknown): string {
  return String((thrown as Error).cause);
}

async function drainStream(events: AsyncIterable<unknown>): Promise<unknown> {
  const iterator = events[Symbol.asyncIterator]();
  try {
    while (!(await iterator.next()).done);
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}

describe('a whole answer larger than maxResponseBytes', () => {
  it('is refused from its Content-Length, for chat and embeddings alike', async () => {
    const options = { maxResponseBytes: 4096 };
    const upstream = await startStandIn(
      { answerTokens: 2_000, embeddingDimensions: 2_000 },
      options,
    );

    const long = { ...REQUEST, options: { maxTokens: 2_000 } };
    const whole = await failureOf(upstream.completeChat(long, live()));
    const embedding = await failureOf(upstream.embed(['text'], live()));

    for (const thrown of [whole, embedding]) {
      expect(codeOf(thrown)).toBe('upstream_error');
      expect(causeOf(thrown)).toContain('upstream answer is larger than 4096 bytes');
    }
  });

  it('is cut off at 16 MiB by default when no length is announced, closing the connection', async () => {
    endless = await startEndlessUpstream('json');
    const upstream = connect(endless.url);

    const thrown = await failureOf(upstream.completeChat(REQUEST, live()));

    expect(codeOf(thrown)).toBe('upstream_error');
    expect(causeOf(thrown)).toContain(`larger than ${DEFAULT_MAX_RESPONSE_BYTES} bytes`);
    await endless.clientLeft;
    expect(endless.bytesSent).toBeLessThan(DEFAULT_MAX_RESPONSE_BYTES * 1.5);
  });

  it('is cut off for embeddings too', async () => {
    endless = await startEndlessUpstream('json');
    const upstream = connect(endless.url, { maxResponseBytes: 1024 * 1024 });

    const thrown = await failureOf(upstream.embed(['text'], live()));

    expect(codeOf(thrown)).toBe('upstream_error');
    await endless.clientLeft;
    expect(endless.bytesSent).toBeLessThan(16 * 1024 * 1024);
  });

  it('leaves answers within the limit alone', async () => {
    const upstream = await startStandIn({ answerTokens: 40 }, { maxResponseBytes: 4096 });

    const completion = await upstream.completeChat(REQUEST, live());

    expect(completion.usage.completionTokens).toBe(40);
  });
});

describe('a streamed event that never ends', () => {
  it('fails with upstream_error once its data passes the event limit, closing the connection', async () => {
    endless = await startEndlessUpstream('sse');
    const upstream = connect(endless.url);

    const thrown = await drainStream(upstream.streamChat(REQUEST, live()));

    expect(codeOf(thrown)).toBe('upstream_error');
    expect(causeOf(thrown)).toContain('RangeError');
    await endless.clientLeft;
    expect(endless.bytesSent).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('close while answering', () => {
  it('ends a running stream with shutting_down at once, and the upstream sees it go', async () => {
    const upstream = await startStandIn({ chunkDelayMs: 30 });
    const events = upstream.streamChat(REQUEST, live())[Symbol.asyncIterator]();
    expect((await events.next()).value).toMatchObject({ type: 'delta' });

    const startedMs = performance.now();
    const closing = upstream.close();
    const thrown = await failureOf(events.next());

    expect(codeOf(thrown)).toBe('shutting_down');
    expect(performance.now() - startedMs).toBeLessThan(1_000);
    await closing;
    await vi.waitFor(() => {
      expect(standIn?.received[0]?.outcome).toBe('aborted');
    });
  });

  it('fails a whole answer that is still being waited for with shutting_down', async () => {
    const upstream = await startStandIn({ failure: 'hang' });
    const pending = failureOf(upstream.completeChat(REQUEST, live()));
    await vi.waitFor(() => {
      expect(standIn?.received).toHaveLength(1);
    });

    await upstream.close();

    expect(codeOf(await pending)).toBe('shutting_down');
  });
});
