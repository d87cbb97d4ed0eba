import { describe, expect, it } from 'vitest';
import { findingsIn, testRedactor } from '../../test/support/test-redactor.js';

const redactor = await testRedactor();

const valuesOf = async (text: string, className: string) =>
  (await findingsIn(redactor, text))
    .filter((finding) => finding.className === className)
    .map((finding) => finding.value);

describe('phone numbers shaped like one, valid in no numbering plan', () => {
  it.each([
    ['They are not answering at 71 402 385', '71 402 385'],
    ['Stop sending messages to 046 1123 9087 please', '046 1123 9087'],
    ['call me on 0473 18 26 55 tonight', '0473 18 26 55'],
  ])('counts %j after a phone word', async (text, value) => {
    expect(await valuesOf(text, 'PHONE_NUMBER')).toEqual([value]);
  });

  it.each([
    'The parcel weighs 71 402 385 grams',
    'order 046 1123 9087 shipped',
    'phone batch 12 34 56',
  ])('leaves %j alone without the phone word or the shape', async (text) => {
    expect(await valuesOf(text, 'PHONE_NUMBER')).toEqual([]);
  });
});

describe('addresses announced by a cue, without a street-type word', () => {
  it.each([
    ['Her address: Lindenhof 48, Wetzlar', 'Lindenhof 48, Wetzlar'],
    ['The café is at 5120 88 Odos Pelopos', '5120 88 Odos Pelopos'],
    ['address:\n12 calle olmo 7', '12 calle olmo 7'],
    ['Please send it to Kvarnbacken 19', 'Kvarnbacken 19'],
  ])('finds the address in %j', async (text, value) => {
    expect(await valuesOf(text, 'STREET_ADDRESS')).toEqual([value]);
  });

  it.each([
    'The meeting is at 3 pm in room 12',
    'Lindenhof 48 won the match',
    'the answer is at most 48 words',
    'We moved to version 12 last week',
  ])('finds no address in %j', async (text) => {
    expect(await valuesOf(text, 'STREET_ADDRESS')).toEqual([]);
  });
});
