import { describe, expect, it } from 'vitest';
import { encodeDemoModel } from './demo-model.js';
import type { GgufValue } from './gguf-format.js';
import { parseGgufHeader } from './gguf-reader.js';
import { validateGgufForEngine } from './validate-gguf-for-engine.js';

const demoMetadata = parseGgufHeader(encodeDemoModel()).metadata;
const filePath = '/models/example.gguf';

function withChange(key: string, value?: GgufValue): Map<string, GgufValue> {
  const changed = new Map(demoMetadata);
  if (value === undefined) changed.delete(key);
  else changed.set(key, value);
  return changed;
}

describe('validateGgufForEngine', () => {
  it('accepts the demo model and reports its shape', () => {
    expect(validateGgufForEngine(demoMetadata, filePath)).toMatchObject({
      architecture: 'llama',
      contextLength: 4096,
      embeddingLength: 48,
    });
  });

  it.each([
    'llama.attention.head_count',
    'llama.feed_forward_length',
    'llama.embedding_length',
    'llama.block_count',
    'llama.context_length',
    'tokenizer.ggml.tokens',
    'tokenizer.ggml.model',
    'general.architecture',
  ])('names the file and the key when %s is missing', (key) => {
    const check = (): unknown => validateGgufForEngine(withChange(key), filePath);
    expect(check).toThrow(
      `GGUF file ${filePath} cannot be loaded: metadata key "${key}" is missing`,
    );
  });

  it('rejects a zero head count, which would divide by zero in the engine', () => {
    const metadata = withChange('llama.attention.head_count', { type: 'uint32', value: 0 });
    expect(() => validateGgufForEngine(metadata, filePath)).toThrow(/head_count" must be positive/);
  });

  it('rejects a zero in the per-block feed-forward widths of a dense architecture', () => {
    const widths: GgufValue = { type: 'array', itemType: 'uint32', value: [96, 0] };
    const metadata = withChange('llama.feed_forward_length', widths);
    expect(() => validateGgufForEngine(metadata, filePath)).toThrow(/feed_forward_length" must be/);
  });

  it('rejects per-block values that do not match the block count', () => {
    const widths: GgufValue = { type: 'array', itemType: 'uint32', value: [96, 96, 96] };
    const metadata = withChange('llama.feed_forward_length', widths);
    expect(() => validateGgufForEngine(metadata, filePath)).toThrow(/one entry per block/);
  });

  it('rejects a width that the heads do not divide', () => {
    const metadata = withChange('llama.attention.head_count', { type: 'uint32', value: 5 });
    expect(() => validateGgufForEngine(metadata, filePath)).toThrow(/not a multiple/);
  });

  it('rejects a special token outside the vocabulary', () => {
    const metadata = withChange('tokenizer.ggml.eos_token_id', { type: 'uint32', value: 99_999 });
    expect(() => validateGgufForEngine(metadata, filePath)).toThrow(/eos_token_id/);
  });

  it('rejects scores that do not match the tokens', () => {
    const scores: GgufValue = { type: 'array', itemType: 'float32', value: [0, 1] };
    const metadata = withChange('tokenizer.ggml.scores', scores);
    expect(() => validateGgufForEngine(metadata, filePath)).toThrow(/one entry per token/);
  });

  it('never quotes an architecture name it does not trust', () => {
    const hostile = 'llama\u001b[31m<script>';
    const metadata = withChange('general.architecture', { type: 'string', value: hostile });
    expect(() => validateGgufForEngine(metadata, filePath)).toThrow(/is not a name$/);
  });
});
