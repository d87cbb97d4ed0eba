import { createServer } from 'node:net';
import { inspect } from 'node:util';

import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  startOpenAiStandIn,
  type OpenAiStandIn,
  type StandInBehaviour,
} from '../../../test/support/openai-stand-in.js';
import { isMoatError } from '../../errors/index.js';
import type { ChatRequest, ChatStreamEvent, InferenceBackend } from '../inference-backend.js';
import { createUpstreamBackend, type UpstreamBackendOptions } from './upstream-backend.js';

const MODEL = 'stand-in-model';
const API_KEY = 'sk-key-0b5d2e-never-shown';
const CANARY = 'canary-7f3a9c1e-upstream-body';
const PROMPT_CANARY = 'canary-prompt-44e1d0';

let standIn: OpenAiStandIn | undefined;
let backend: InferenceBackend | undefined;

async function start(
  behaviour: Partial<StandInBehaviour>,
  options: Partial<UpstreamBackendOptions> = {},
): Promise<InferenceBackend> {
  standIn = await startOpenAiStandIn(behaviour);
  backend = createUpstreamBackend({
    baseUrl: standIn.url,
    upstreamModel: MODEL,
    apiKey: API_KEY,
    timeoutMs: 5_000,
    ...options,
  });
  return backend;
}

afterEach(async () => {
  await backend?.close();
  await standIn?.close();
  backend = undefined;
  standIn = undefined;
});

const REQUEST: ChatRequest = {
  messages: [{ role: 'user', content: `say ${PROMPT_CANARY}` }],
  options: { maxTokens: 8 },
};

function live(): AbortSignal {
  return new AbortController().signal;
}

/** Reads a stream to its end and returns what it yielded and how it failed. */
async function drain(
  events: AsyncIterable<ChatStreamEvent>,
): Promise<{ yielded: ChatStreamEvent[]; thrown: unknown }> {
  const yielded: ChatStreamEvent[] = [];
  try {
    for await (const event of events) yielded.push(event);
  } catch (thrown) {
    return { yielded, thrown };
  }
  return { yielded, thrown: undefined };
}

async function failureOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}

function codeOf(thrown: unknown): string {
  return isMoatError(thrown) ? thrown.code : `not a MoatError: ${String(thrown)}`;
}

/** Everything an error could show to a log or an error reporter, as one string. */
function everythingIn(thrown: unknown): string {
  const error = thrown as Error & { cause?: Error };
  return [
    JSON.stringify(thrown),
    inspect(thrown, { depth: 10, showHidden: true }),
    error.stack,
    error.cause?.stack,
  ].join('\n');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return port;
}

describe('an upstream answering with an error status', () => {
  it('becomes upstream_error naming only the status, never the body', async () => {
    const upstream = await start({ failure: 'error-500', errorText: CANARY });

    const whole = await failureOf(upstream.completeChat(REQUEST, live()));
    const streamed = (await drain(upstream.streamChat(REQUEST, live()))).thrown;
    const embedding = await failureOf(upstream.embed([PROMPT_CANARY], live()));

    for (const thrown of [whole, streamed, embedding]) {
      expect(codeOf(thrown)).toBe('upstream_error');
      expect((thrown as Error).cause).toMatchObject({ message: 'upstream answered HTTP 500' });
      const shown = everythingIn(thrown);
      expect(shown).not.toContain(CANARY);
      expect(shown).not.toContain(PROMPT_CANARY);
      expect(shown).not.toContain(API_KEY);
    }
  });
});

describe('an upstream reporting an error after its stream began', () => {
  it('ends the stream with upstream_error, keeping none of what the upstream said', async () => {
    const upstream = await start({ failure: 'error-mid-stream', errorText: CANARY });

    const { yielded, thrown } = await drain(upstream.streamChat(REQUEST, live()));

    expect(yielded).toHaveLength(1);
    expect(codeOf(thrown)).toBe('upstream_error');
    expect(everythingIn(thrown)).not.toContain(CANARY);
  });
});

describe('an upstream that does not answer in time', () => {
  it('becomes upstream_timeout when no headers come', async () => {
    const upstream = await start({ failure: 'hang' }, { timeoutMs: 200 });
    const startedMs = performance.now();

    const thrown = await failureOf(upstream.completeChat(REQUEST, live()));

    expect(codeOf(thrown)).toBe('upstream_timeout');
    // The HTTP client checks its timeouts on a coarse clock, about once a second.
    expect(performance.now() - startedMs).toBeLessThan(3_000);
  });

  it('becomes upstream_timeout when a stream stalls after its first chunks', async () => {
    const upstream = await start(
      { failure: 'stall-mid-stream', chunksBeforeFailure: 3 },
      {
        timeoutMs: 200,
      },
    );

    const { yielded, thrown } = await drain(upstream.streamChat(REQUEST, live()));

    expect(yielded.map((event) => event.type)).toEqual(['delta', 'delta']);
    expect(codeOf(thrown)).toBe('upstream_timeout');
  });
});

describe('an upstream that cannot be reached', () => {
  it('becomes upstream_unavailable when the connection is refused', async () => {
    const port = await closedPort();
    backend = createUpstreamBackend({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      upstreamModel: MODEL,
    });

    expect(codeOf(await failureOf(backend.completeChat(REQUEST, live())))).toBe(
      'upstream_unavailable',
    );
    expect(codeOf((await drain(backend.streamChat(REQUEST, live()))).thrown)).toBe(
      'upstream_unavailable',
    );
  });

  it('becomes upstream_unavailable when the connection drops mid-stream', async () => {
    const upstream = await start({ failure: 'close-mid-stream', chunksBeforeFailure: 2 });

    const { yielded, thrown } = await drain(upstream.streamChat(REQUEST, live()));

    expect(yielded).toHaveLength(1);
    expect(codeOf(thrown)).toBe('upstream_unavailable');
  });
});

describe('an upstream answer that is not what the wire format says', () => {
  it.each(['malformed-json', 'wrong-shape'] as const)(
    'becomes upstream_error (%s)',
    async (failure) => {
      const upstream = await start({ failure });

      const whole = await failureOf(upstream.completeChat(REQUEST, live()));
      const { yielded, thrown } = await drain(upstream.streamChat(REQUEST, live()));
      const embedding = await failureOf(upstream.embed(['text'], live()));

      expect([whole, thrown, embedding].map(codeOf)).toEqual([
        'upstream_error',
        'upstream_error',
        'upstream_error',
      ]);
      expect(yielded.length).toBeGreaterThan(0);
    },
  );
});

describe('a caller that goes away', () => {
  it('mid-stream: throws client_closed_request and the upstream sees the connection close', async () => {
    const upstream = await start({ chunkDelayMs: 30 });
    const controller = new AbortController();
    const events = upstream.streamChat(REQUEST, controller.signal)[Symbol.asyncIterator]();

    expect((await events.next()).value).toMatchObject({ type: 'delta' });
    controller.abort();
    const thrown = await failureOf(events.next());

    expect(codeOf(thrown)).toBe('client_closed_request');
    await vi.waitFor(() => {
      expect(standIn?.received[0]?.outcome).toBe('aborted');
    });
    expect(standIn?.received[0]?.chunksSent).toBeLessThan(5);
  });

  it('before the answer starts: the waiting request is dropped at once', async () => {
    const upstream = await start({ failure: 'hang' });
    const controller = new AbortController();

    const pending = failureOf(upstream.completeChat(REQUEST, controller.signal));
    await vi.waitFor(() => {
      expect(standIn?.received).toHaveLength(1);
    });
    controller.abort();

    expect(codeOf(await pending)).toBe('client_closed_request');
    await vi.waitFor(() => {
      expect(standIn?.received[0]?.outcome).toBe('aborted');
    });
  });

  it('when the consumer stops reading: the upstream connection is closed', async () => {
    const upstream = await start({ chunkDelayMs: 30 });

    for await (const event of upstream.streamChat(REQUEST, live())) {
      if (event.type === 'delta') break;
    }

    await vi.waitFor(() => {
      expect(standIn?.received[0]?.outcome).toBe('aborted');
    });
  });
});

describe('close', () => {
  it('is idempotent, and later calls fail with shutting_down', async () => {
    const upstream = await start({});

    await Promise.all([upstream.close(), upstream.close()]);
    await upstream.close();

    expect(codeOf(await failureOf(upstream.completeChat(REQUEST, live())))).toBe('shutting_down');
  });
});
