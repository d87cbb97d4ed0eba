import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaText, type LlamaModel } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { ensureDemoModel } from '../gguf/demo-model.js';
import { readGgufHeader } from '../gguf/gguf-reader.js';
import type { InferenceBackend } from '../inference-backend.js';
import type { EmbeddedBackendOptions } from './embedded-backend-options.js';
import { createEmbeddedBackend } from './embedded-backend.js';
import { acquireSharedLlama, releaseSharedLlama } from './shared-llama.js';
import { fewestTokensFor, longestTokenBytes } from './token-length-bound.js';
import { ask, failureOf, talkative } from '../../../test/support/engine-requests.js';

let folder: string;
let modelPath: string;
let tokenizer: LlamaModel;
let tokenBytes: number | undefined;
const backends: InferenceBackend[] = [];

const open = (): AbortSignal => new AbortController().signal;

async function start(options: Partial<EmbeddedBackendOptions> = {}): Promise<InferenceBackend> {
  const backend = await createEmbeddedBackend({
    modelPath,
    threads: 1,
    contextSize: 256,
    ...options,
  });
  backends.push(backend);
  return backend;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'moat-test-embedded-limits-'));
  modelPath = await ensureDemoModel(folder);
  tokenizer = await (await acquireSharedLlama()).loadModel({ modelPath });
  tokenBytes = longestTokenBytes((await readGgufHeader(modelPath)).metadata);
});

afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
  vi.restoreAllMocks();
});

afterAll(async () => {
  await tokenizer.dispose();
  await releaseSharedLlama();
  await rm(folder, { recursive: true, force: true });
});

describe('embedded backend: the waiting line', () => {
  it('refuses with model_busy past maxQueuedRequests, chat and embeddings alike', async () => {
    const backend = await start({ parallelSequences: 1, maxQueuedRequests: 1 });
    const holder = backend.streamChat(talkative(200), open())[Symbol.asyncIterator]();
    await holder.next();
    const queued = backend.completeChat(talkative(3), open());

    expect((await failureOf(backend.completeChat(ask('more'), open()))).code).toBe('model_busy');
    expect((await failureOf(backend.embed(['more'], open()))).code).toBe('model_busy');

    await holder.return?.();
    expect((await queued).usage.completionTokens).toBe(3);
  });

  it('lets an embeddings request wait its turn behind chat', async () => {
    const backend = await start({ parallelSequences: 1 });
    const holder = backend.streamChat(talkative(20), open())[Symbol.asyncIterator]();
    await holder.next();
    const embedding = backend.embed(['the river'], open());

    await holder.return?.();
    expect((await embedding).vectors).toHaveLength(1);
  });
});

describe('embedded backend: prompt length', () => {
  it('refuses a prompt far too long for the context without tokenizing it', async () => {
    const backend = await start();
    const tokenize = vi.spyOn(LlamaText.prototype, 'tokenize');

    const huge = ask('river stone '.repeat(100_000));
    expect((await failureOf(backend.completeChat(huge, open()))).code).toBe(
      'context_length_exceeded',
    );
    expect(tokenize).not.toHaveBeenCalled();

    await backend.completeChat(ask('short', { maxTokens: 2 }), open());
    expect(tokenize).toHaveBeenCalled();
  });

  it('never expects fewer tokens from a length than the tokenizer makes', () => {
    const texts = [
      'a',
      'river stone',
      ' '.repeat(64),
      'Grüße 🙂 日本語のテキスト 🏳️‍🌈 ok',
      '<|im_start|>user\n',
      Array.from({ length: 400 }, (_, index) => String.fromCodePoint(32 + index * 7)).join(''),
    ];

    expect(tokenBytes).toBeGreaterThan(1);
    for (const text of texts) {
      const fewest = fewestTokensFor(text.length, tokenBytes);
      expect(fewest, JSON.stringify(text)).toBeLessThanOrEqual(tokenizer.tokenize(text).length);
    }
  });
});

describe('embedded backend: embedding inputs', () => {
  it('refuses an over-long input with a message about inputs, naming the parameter', async () => {
    const backend = await start();
    // Few characters, many tokens: outside the demo vocabulary, each becomes three byte tokens.
    const counted = '中'.repeat(120);
    const long = 'river stone '.repeat(100_000);

    for (const input of [counted, long]) {
      const error = await failureOf(backend.embed(['fine', input], open()));
      expect(error.code).toBe('context_length_exceeded');
      expect(error.message).toBe("An input is longer than the model's context window.");
      expect(error.param).toBe('input');
    }
  });

  it('refuses an empty input, naming the parameter', async () => {
    const backend = await start();

    const error = await failureOf(backend.embed(['fine', ''], open()));

    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe('input');
  });
});

describe('embedded backend: one thread budget', () => {
  it('caps the engine at the configured threads, and runs chat and embeddings within it', async () => {
    const backend = await start({ threads: 1, parallelSequences: 2 });

    expect((await acquireSharedLlama()).maxThreads).toBe(1);
    await releaseSharedLlama();
    const [answer, embedding] = await Promise.all([
      backend.completeChat(talkative(30), open()),
      backend.embed(['the river', 'stone'], open()),
    ]);
    expect(answer.usage.completionTokens).toBe(30);
    expect(embedding.vectors).toHaveLength(2);
  });
});

describe('embedded backend: close while answering', () => {
  it('ends running, waiting and not yet started requests with shutting_down', async () => {
    const backend = await start({ contextSize: 2048, parallelSequences: 1 });
    const running = backend.streamChat(talkative(1000), open())[Symbol.asyncIterator]();
    await running.next();
    const notStarted = backend.streamChat(talkative(5), open())[Symbol.asyncIterator]();
    const waiting = failureOf(backend.completeChat(talkative(5), open()));

    const closing = backend.close();
    const startedMs = performance.now();

    expect((await failureOf(running.next())).code).toBe('shutting_down');
    expect(performance.now() - startedMs).toBeLessThan(500);
    expect((await waiting).code).toBe('shutting_down');
    expect((await failureOf(notStarted.next())).code).toBe('shutting_down');
    await closing;
    expect((await failureOf(backend.embed(['late'], open()))).code).toBe('shutting_down');
  });
});
