import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveChatWrapper, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireSharedLlama, releaseSharedLlama } from '../embedded/shared-llama.js';
import { encodeDemoModel, ensureDemoModel } from './demo-model.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'moat-test-demo-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('ensureDemoModel', () => {
  it('creates <dataDir>/models/demo.gguf once, with no temporary file left', async () => {
    const dataDir = join(folder, 'data');
    const filePath = await ensureDemoModel(dataDir);
    expect(filePath).toBe(join(dataDir, 'models', 'demo.gguf'));
    expect(await readdir(join(dataDir, 'models'))).toEqual(['demo.gguf']);

    const firstWrite = await stat(filePath);
    expect(await ensureDemoModel(dataDir)).toBe(filePath);
    expect((await stat(filePath)).mtimeMs).toBe(firstWrite.mtimeMs);
  });

  it('leaves an existing file alone', async () => {
    const dataDir = join(folder, 'kept');
    const filePath = await ensureDemoModel(dataDir);
    await writeFile(filePath, 'operator file');
    await ensureDemoModel(dataDir);
    expect(await readFile(filePath, 'utf8')).toBe('operator file');
  });

  it('writes the same bytes every time, a few hundred KB', async () => {
    const bytes = await readFile(await ensureDemoModel(join(folder, 'again')));
    expect(sha256(bytes)).toBe(sha256(encodeDemoModel()));
    expect(bytes.length).toBeGreaterThan(100_000);
    expect(bytes.length).toBeLessThan(600_000);
  });
});

describe('the demo model in llama.cpp', () => {
  let model: LlamaModel;

  beforeAll(async () => {
    const llama = await acquireSharedLlama();
    model = await llama.loadModel({ modelPath: await ensureDemoModel(join(folder, 'engine')) });
  });

  afterAll(async () => {
    await model.dispose();
    await releaseSharedLlama();
  });

  it('round-trips any UTF-8 through its byte-fallback vocabulary', () => {
    const samples = [
      'the river',
      'Grüße, 日本語のテキスト 🙂🏳️‍🌈',
      'tabs\tand\nnewlines',
      '\u0000\u00ff',
    ];
    for (const sample of samples) {
      expect(model.detokenize(model.tokenize(sample))).toBe(sample);
    }
  });

  it('tokenizes ordinary words as whole pieces', () => {
    expect(model.tokenize('the moat').length).toBe(2);
  });

  it('offers its ChatML template, with the markers as control tokens', () => {
    expect(resolveChatWrapper(model, { warningLogs: false }).wrapperName).toBe('ChatML');
    expect(model.tokenize('<|im_end|>', true)).toHaveLength(1);
    expect(model.tokenize('<|im_end|>', false).length).toBeGreaterThan(1);
  });
});
