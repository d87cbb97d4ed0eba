import { createHmac, hkdfSync } from 'node:crypto';
import { KEY_BYTES, SecretKey, readKeyBytes } from './secret-key.js';
import { wipe } from './wipe.js';

/**
 * Bytes kept of each token's HMAC-SHA256: 12 bytes (96 bits), 16 base64url characters.
 * Within one owner's vocabulary, chance collisions stay far below one in a billion.
 */
export const BLIND_TOKEN_BYTES = 12;

/** Longest word, in code points; a longer run of letters is split into words this long. */
export const MAX_WORD_LENGTH = 64;

const INDEX_KEY_INFO = 'moat/blind-index-key/v1';
const WORD_PATTERN = new RegExp(`[\\p{L}\\p{N}\\p{M}]{1,${MAX_WORD_LENGTH}}`, 'gu');

/**
 * The owner's blind-index key, derived with HKDF-SHA256 from the owner key. It exists only
 * while the owner key does: destroying the owner key makes the owner's tokens unlinkable
 * to any word.
 */
export function deriveIndexKey(ownerKey: SecretKey): SecretKey {
  const derived = Buffer.from(
    hkdfSync('sha256', readKeyBytes(ownerKey), Buffer.alloc(0), INDEX_KEY_INFO, KEY_BYTES),
  );
  try {
    return SecretKey.fromBytes(derived);
  } finally {
    wipe(derived);
  }
}

/**
 * Text as the index compares it: Unicode NFKC, then case folded. JavaScript has no case
 * fold, so upper- then lower-casing stands in for it, which folds "ß" to "ss" as full case
 * folding does; lower-casing writes a word-final sigma as "ς", which folding maps to "σ".
 */
export function normalizeText(text: string): string {
  const lowered = text.normalize('NFKC').toUpperCase().toLowerCase();
  return lowered.replaceAll('ς', 'σ').normalize('NFKC');
}

/** The distinct words of a text after normalisation: runs of letters, digits and marks. */
export function tokenize(text: string): string[] {
  const words = new Set<string>();
  for (const match of normalizeText(text).matchAll(WORD_PATTERN)) {
    words.add(match[0]);
  }
  return [...words];
}

/** One word's token: HMAC-SHA256 under the index key, cut to `BLIND_TOKEN_BYTES`, base64url. */
export function blindToken(indexKey: SecretKey, word: string): string {
  const mac = createHmac('sha256', readKeyBytes(indexKey)).update(word, 'utf8').digest();
  return mac.subarray(0, BLIND_TOKEN_BYTES).toString('base64url');
}

/**
 * The distinct tokens of a text, sorted, so that neither word order nor repetition shows.
 * Use the same function on a search query and match tokens by equality.
 *
 * What a reader of the store learns from tokens: within one owner, which items share a
 * word (equal tokens), how many distinct words each item has, and how often each token
 * occurs across the owner's items, which frequency analysis can turn into guesses for
 * common words. Not learned: the words themselves, their order or repetition within an
 * item, or anything across owners, since each owner's tokens use a different key.
 * Deleting an item must delete its token rows too: they are derived from the owner key,
 * not the item key, so destroying the item key does not make them unlinkable.
 */
export function blindTokens(indexKey: SecretKey, text: string): string[] {
  return tokenize(text)
    .map((word) => blindToken(indexKey, word))
    .sort();
}
