import { describe, expect, it } from 'vitest';
import { blockedClassesIn, classNamesIn } from './redacted-classes.js';

describe('classNamesIn', () => {
  it('reads the header Moat sends', () => {
    expect(classNamesIn('EMAIL_ADDRESS, PERSON')).toEqual(['EMAIL_ADDRESS', 'PERSON']);
    expect(classNamesIn('')).toEqual([]);
  });

  it('drops anything not shaped like a class name', () => {
    expect(classNamesIn('EMAIL_ADDRESS, alice@example.org, <EMAIL_1>, PERSON')).toEqual([
      'EMAIL_ADDRESS',
      'PERSON',
    ]);
  });
});

describe('blockedClassesIn', () => {
  it('finds the classes a content_blocked message names', () => {
    expect(
      blockedClassesIn('The content holds data that policy blocks: SECRET, IBAN_CODE.'),
    ).toEqual(['SECRET', 'IBAN_CODE']);
    expect(blockedClassesIn('Something else went wrong.')).toEqual([]);
  });
});
