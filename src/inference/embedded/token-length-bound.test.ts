import { describe, expect, it } from 'vitest';

import type { GgufMetadata, GgufValue } from '../gguf/gguf-format.js';
import { fewestTokensFor, longestTokenBytes } from './token-length-bound.js';

function metadataOf(tokenizer: string, tokens: readonly string[]): GgufMetadata {
  return new Map<string, GgufValue>([
    ['tokenizer.ggml.model', { type: 'string', value: tokenizer }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: tokens }],
  ]);
}

describe('longestTokenBytes', () => {
  it('is the longest stored token in UTF-8 bytes, for tokenizers that keep text as it is', () => {
    const tokens = ['<unk>', '<0x0A>', '▁river', 'ĠĠĠĠĠ', '日本'];

    expect(longestTokenBytes(metadataOf('llama', tokens))).toBe(10);
    expect(longestTokenBytes(metadataOf('gpt2', tokens))).toBe(10);
  });

  it('is undefined for tokenizers that may rewrite text, or without a vocabulary', () => {
    for (const tokenizer of ['t5', 'bert', 'rwkv', 'none']) {
      expect(longestTokenBytes(metadataOf(tokenizer, ['a']))).toBeUndefined();
    }
    expect(longestTokenBytes(metadataOf('llama', []))).toBeUndefined();
    expect(longestTokenBytes(new Map())).toBeUndefined();
  });
});

describe('fewestTokensFor', () => {
  it('divides the length by the longest token, rounding up', () => {
    expect(fewestTokensFor(0, 12)).toBe(0);
    expect(fewestTokensFor(12, 12)).toBe(1);
    expect(fewestTokensFor(13, 12)).toBe(2);
  });

  it('promises nothing without a bound', () => {
    expect(fewestTokensFor(1_000_000, undefined)).toBe(0);
  });
});
