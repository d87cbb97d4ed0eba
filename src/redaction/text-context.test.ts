import { describe, expect, it } from 'vitest';
import { findingsIn, testRedactor } from '../../test/support/test-redactor.js';
import { hasContextBefore } from './text-context.js';

const redactor = await testRedactor();

const classesIn = async (text: string): Promise<string[]> =>
  (await findingsIn(redactor, text)).map((finding) => finding.className);

describe('context words before a value', () => {
  it.each([
    ['tel. 2025550143', ['tel'], true],
    ['telephone 2025550143', ['tel'], true],
    ['appelez le 0199001234', ['appel'], true],
    ['phone_number 2025550143', ['number'], true],
    ['the hotel 2025550143', ['tel'], false],
    ['during 2025550143', ['ring'], false],
    ['a postcard 4111111111111', ['card'], false],
  ])('in %j, %j begins a word: %s', (text, words, expected) => {
    expect(hasContextBefore(text, text.search(/\d/u), words)).toBe(expected);
  });

  it('takes a bare number for a phone after a phone word, not after a word that holds one', async () => {
    expect(await classesIn('tel 2025550143')).toEqual(['PHONE_NUMBER']);
    expect(await classesIn('the hotel 2025550143')).toEqual([]);
  });
});
