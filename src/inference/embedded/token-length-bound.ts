import type { LlamaText } from 'node-llama-cpp';

import type { GgufMetadata } from '../gguf/gguf-format.js';

/**
 * Tokenizers that split text without rewriting it, so that every byte of the input is
 * covered by exactly one token. SentencePiece (`llama`) stores a space as "▁" (three bytes
 * for one) and a raw byte as "<0xNN>"; byte-level BPE (`gpt2`) stores each byte as a
 * character of one or two bytes. Either way, a token's stored text is at least as long, in
 * UTF-8 bytes, as the input it covers. The others (WordPiece, Unigram with its character map)
 * normalise text first and may drop characters, so a length says nothing about their counts.
 */
const VERBATIM_TOKENIZERS: readonly string[] = ['llama', 'gpt2'];

/**
 * The most bytes of input one token of the model's vocabulary can cover, or undefined when
 * its tokenizer may shorten text before splitting it.
 */
export function longestTokenBytes(metadata: GgufMetadata): number | undefined {
  const tokenizer = metadata.get('tokenizer.ggml.model');
  const tokens = metadata.get('tokenizer.ggml.tokens');
  if (tokenizer?.type !== 'string' || !VERBATIM_TOKENIZERS.includes(tokenizer.value)) {
    return undefined;
  }
  if (tokens?.type !== 'array' || tokens.value.length === 0) return undefined;

  let longest = 1;
  for (const token of tokens.value) {
    if (typeof token === 'string') longest = Math.max(longest, Buffer.byteLength(token));
  }
  return longest;
}

/**
 * The fewest tokens that text of `characterCount` UTF-16 code units can become. Each code
 * unit stands for at least one UTF-8 byte and no token covers more than `tokenBytes` bytes, so
 * the real count is never lower: a check built on this refuses only text that could not fit
 * anyway. Without a bound (undefined) it promises nothing and returns 0.
 */
export function fewestTokensFor(characterCount: number, tokenBytes: number | undefined): number {
  return tokenBytes === undefined ? 0 : Math.ceil(characterCount / tokenBytes);
}

/**
 * The length of the plain text in a rendered prompt: the messages' content. Template text
 * and special tokens are left out; that can only lower the bound.
 */
export function plainTextLength(text: LlamaText): number {
  let length = 0;
  for (const value of text.values) if (typeof value === 'string') length += value.length;
  return length;
}
