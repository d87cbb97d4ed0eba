import { describe, expect, it } from 'vitest';
import { SecretKey } from './secret-key.js';
import { blindToken, blindTokens, deriveIndexKey, normalizeText, tokenize } from './blind-index.js';

describe('normalizeText and tokenize', () => {
  it('folds compatibility forms and case', () => {
    expect(normalizeText('Straße ＡＢＣ ﬁle ΟΔΟΣ')).toBe('strasse abc file οδοσ');
    expect(normalizeText('Ǆ e\u0301')).toBe('dž é');
  });

  it('splits on anything but letters, digits and marks, and drops repeats', () => {
    expect(tokenize('Hello, hello — WORLD! 42 café-au-lait e\u0301t\u00e9')).toEqual([
      'hello',
      'world',
      '42',
      'café',
      'au',
      'lait',
      'été',
    ]);
    expect(tokenize('東京 タワー')).toEqual(['東京', 'タワー']);
    expect(tokenize(' \n ,.!')).toEqual([]);
  });

  it('splits runs longer than 64 code points', () => {
    expect(tokenize(`${'x'.repeat(64)}${'y'.repeat(10)}`)).toEqual([
      'x'.repeat(64),
      'y'.repeat(10),
    ]);
    expect(tokenize('😀'.repeat(3))).toEqual([]);
    expect(tokenize('𝐀'.repeat(70))).toEqual(['a'.repeat(64), 'a'.repeat(6)]);
  });
});

describe('blind tokens', () => {
  const ownerKey = SecretKey.generate();
  const indexKey = deriveIndexKey(ownerKey);

  it('derives the same index key from the same owner key, distinct from it', () => {
    expect(deriveIndexKey(ownerKey).id).toBe(indexKey.id);
    expect(indexKey.id).not.toBe(ownerKey.id);
  });

  it('match a query in any case or width to the text, as 16 base64url characters', () => {
    const stored = blindTokens(indexKey, 'The canary-7c1e flies at NOON');
    const query = blindTokens(indexKey, 'ｎｏｏｎ');
    expect(query).toHaveLength(1);
    expect(stored).toContain(query[0]);
    expect(query[0]).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(stored.join(' ')).not.toMatch(/canary|noon/i);
  });

  it('hide word order and repetition', () => {
    expect(blindTokens(indexKey, 'b a a b')).toEqual(blindTokens(indexKey, 'a b'));
    expect(blindTokens(indexKey, 'a b')).toEqual([...blindTokens(indexKey, 'a b')].sort());
  });

  it('differ between owners for the same word', () => {
    const otherIndexKey = deriveIndexKey(SecretKey.generate());
    expect(blindToken(otherIndexKey, 'noon')).not.toBe(blindToken(indexKey, 'noon'));
  });
});
