import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDemoModel, ensureDemoModel } from '../gguf/demo-model.js';
import type { ChatStreamEvent, InferenceBackend } from '../inference-backend.js';
import { createEmbeddedBackend } from './embedded-backend.js';
import { acquireSharedLlama, releaseSharedLlama } from './shared-llama.js';
import { ask, failureOf, talkative } from '../../../test/support/engine-requests.js';

let folder: string;
let modelPath: string;
let backend: InferenceBackend;
let tokenizer: LlamaModel;

const open = (): AbortSignal => new AbortController().signal;

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'moat-test-embedded-'));
  modelPath = await ensureDemoModel(folder);
  const options = { modelPath, threads: 1, contextSize: 256, parallelSequences: 2 };
  backend = await createEmbeddedBackend({ ...options, defaultMaxTokens: 24 });
  tokenizer = await (await acquireSharedLlama()).loadModel({ modelPath });
});

afterAll(async () => {
  await backend.close();
  await tokenizer.dispose();
  await releaseSharedLlama();
  await rm(folder, { recursive: true, force: true });
});

describe('embedded backend: chat', () => {
  it('answers through the ChatML template and counts the rendered prompt', async () => {
    const answer = await backend.completeChat(ask('Hello there', { seed: 1 }), open());
    const rendered = '<s><|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n';
    expect(answer.usage.promptTokens).toBe(tokenizer.tokenize(rendered, true).length);
    expect(answer.text.length).toBeGreaterThan(0);
  });

  it('streams deltas, then one finish event that matches the whole answer', async () => {
    const request = talkative(40);
    const events = await collect(backend.streamChat(request, open()));
    const finish = events.at(-1);
    const deltas = events.slice(0, -1).map((event) => (event.type === 'delta' ? event.text : ''));

    expect(finish?.type).toBe('finish');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every((text) => text.length > 0)).toBe(true);
    expect(deltas.join('')).toBe((await backend.completeChat(request, open())).text);
  });

  it('stops at max_tokens and counts exactly the generated tokens', async () => {
    const answer = await backend.completeChat(talkative(7), open());
    expect(answer.finishReason).toBe('length');
    expect(answer.usage.completionTokens).toBe(7);
  });

  it('gives the same text for the same seed and temperature', async () => {
    const options = { seed: 42, temperature: 1, maxTokens: 30 };
    const first = await backend.completeChat(ask('Same again', options), open());
    const second = await backend.completeChat(ask('Same again', options), open());
    const other = await backend.completeChat(ask('Same again', { ...options, seed: 43 }), open());
    expect(second.text).toBe(first.text);
    expect(other.text).not.toBe(first.text);
  });

  it('ends at a stop sequence and leaves it out of the answer', async () => {
    const options = { seed: 5, maxTokens: 40 };
    const full = await backend.completeChat(ask('Go on', options), open());
    const words = full.text.split(' ').filter((word) => /^[a-z]{3,}$/.test(word));
    const stopWord = words[Math.floor(words.length / 2)] ?? 'the';
    const stopped = await backend.completeChat(
      ask('Go on', { ...options, stop: [stopWord] }),
      open(),
    );

    expect(full.text).toContain(stopWord);
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(full.text.slice(0, full.text.indexOf(stopWord)));
  });

  it('keeps deltas well-formed for a prompt in several scripts', async () => {
    const prompt = 'Grüße 🙂 日本語のテキスト 🏳️‍🌈 ok';
    const runs = [1, 3, 8].map((seed) =>
      collect(backend.streamChat(ask(prompt, { seed, maxTokens: 60 }), open())),
    );
    const events = (await Promise.all(runs)).flat();
    const rendered = `<s><|im_start|>user\n${prompt}<|im_end|>\n<|im_start|>assistant\n`;
    const deltas = events.flatMap((event) => (event.type === 'delta' ? [event.text] : []));

    for (const event of events) {
      if (event.type !== 'finish') continue;
      expect(event.usage.promptTokens).toBe(tokenizer.tokenize(rendered, true).length);
    }
    expect(deltas.join('')).toMatch(/[\u0080-\uffff]/);
    for (const text of deltas) {
      expect(text).not.toContain('\uFFFD');
      expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
    }
  });

  it('fills the context exactly to its last usable token, and not one more', async () => {
    const probe = await backend.completeChat(talkative(1), open());
    const maxTokens = 256 - 1 - probe.usage.promptTokens;

    const full = await backend.completeChat(talkative(maxTokens), open());
    expect(full.finishReason).toBe('length');
    expect(full.usage.completionTokens).toBe(maxTokens);
    const over = backend.completeChat(talkative(maxTokens + 1), open());
    expect((await failureOf(over)).code).toBe('context_length_exceeded');
  });

  it('refuses a prompt that does not fit the context', async () => {
    const long = 'river stone '.repeat(200);
    const error = await failureOf(backend.completeChat(ask(long), open()));
    expect(error.code).toBe('context_length_exceeded');

    const tooMuch = ask('short', { maxTokens: 10_000 });
    expect((await failureOf(backend.completeChat(tooMuch, open()))).code).toBe(
      'context_length_exceeded',
    );
  });
});

describe('embedded backend: cancellation and parallel requests', () => {
  it('stops at once when aborted mid-stream, and frees the sequence', async () => {
    const controller = new AbortController();
    const stream = backend.streamChat(talkative(200), controller.signal);
    let deltaCount = 0;
    const reading = (async () => {
      for await (const event of stream) {
        if (event.type === 'delta') deltaCount++;
        controller.abort();
      }
    })();

    expect((await failureOf(reading)).code).toBe('client_closed_request');
    expect(deltaCount).toBe(1);
    const again = [1, 2].map((seed) => backend.completeChat(ask('Again', { seed }), open()));
    expect((await Promise.all(again)).map((answer) => answer.usage.completionTokens)).toHaveLength(
      2,
    );
  });

  it('queues requests beyond the parallel sequences and drops a queued one on abort', async () => {
    const holders = [1, 2].map((seed) =>
      backend.streamChat(ask('Hold', { seed, maxTokens: 20 }), open())[Symbol.asyncIterator](),
    );
    await Promise.all(holders.map((holder) => holder.next()));

    const controller = new AbortController();
    const queued = backend.completeChat(ask('Wait'), controller.signal);
    const waiting = backend.completeChat(talkative(5), open());
    controller.abort();
    expect((await failureOf(queued)).code).toBe('client_closed_request');

    await Promise.all(holders.map(async (holder) => holder.return?.()));
    expect((await waiting).usage.completionTokens).toBe(5);
  });
});

describe('embedded backend: embeddings', () => {
  it('returns one vector of the model width per input, with real token counts', async () => {
    const inputs = ['the river', 'stone 🙂'];
    const result = await backend.embed(inputs, open());
    // Each input is read after the beginning-of-sequence token.
    const inputTokens = inputs.map((input) => tokenizer.tokenize(input).length + 1);

    expect(result.vectors.map((vector) => vector.length)).toEqual([48, 48]);
    expect(result.vectors.flat().every(Number.isFinite)).toBe(true);
    expect(result.promptTokens).toBe(inputTokens.reduce((sum, count) => sum + count, 0));
  });
});

describe('embedded backend: what it refuses to load', () => {
  it('refuses a model file whose SHA-256 differs, naming the file', async () => {
    const options = { modelPath, expectedSha256: '0'.repeat(64) };
    await expect(createEmbeddedBackend(options)).rejects.toThrow(
      `Model file ${modelPath} does not match its expected SHA-256`,
    );
  });

  it('loads the file when the SHA-256 matches, and closes mid-answer', async () => {
    const expectedSha256 = createHash('sha256')
      .update(await readFile(modelPath))
      .digest('hex');
    const pinned = await createEmbeddedBackend({ modelPath, expectedSha256, threads: 1 });
    const running = pinned.streamChat(talkative(1000), open());
    const reader = running[Symbol.asyncIterator]();
    await reader.next();

    await Promise.all([pinned.close(), pinned.close()]);
    expect((await failureOf(reader.next())).code).toBe('shutting_down');
    const after = pinned.completeChat(ask('closed'), open());
    expect((await failureOf(after)).code).toBe('shutting_down');
  });

  it('rejects a file missing llama.attention.head_count before the engine sees it', async () => {
    const bytes = encodeDemoModel();
    const key = Buffer.from('llama.attention.head_count');
    const prefixed = Buffer.concat([Buffer.from([key.length, 0, 0, 0, 0, 0, 0, 0]), key]);
    bytes.write('x', bytes.indexOf(prefixed) + prefixed.length - 1, 'latin1');
    const brokenPath = join(folder, 'no-heads.gguf');
    await writeFile(brokenPath, bytes);

    await expect(createEmbeddedBackend({ modelPath: brokenPath })).rejects.toThrow(
      `GGUF file ${brokenPath} cannot be loaded: metadata key "llama.attention.head_count" is missing`,
    );
    const stillServing = await backend.completeChat(talkative(3), open());
    expect(stillServing.usage.completionTokens).toBe(3);
  });
});
