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

describe('emails and IBANs found from their anchors', () => {
  it.each([
    ['write to nora.vale [at] example [.] org today', 'nora.vale [at] example [.] org'],
    ['or nora at example dot com', 'nora at example dot com'],
    ['reach ..ada@example.com', 'ada@example.com'],
  ])('finds the address in %j', async (text, value) => {
    expect(await valuesOf(text, 'EMAIL_ADDRESS')).toEqual([value]);
  });

  it('finds no obfuscated address where no dot is spelled out', async () => {
    expect(await valuesOf('meet nora at example street', 'EMAIL_ADDRESS')).toEqual([]);
  });

  it('finds an IBAN only where no letter or digit is glued before it', async () => {
    expect(await valuesOf('ref XDE89370400440532013000', 'IBAN_CODE')).toEqual([]);
    expect(
      await valuesOf('to DE89370400440532013000 and GB82WEST12345698765432', 'IBAN_CODE'),
    ).toEqual(['DE89370400440532013000', 'GB82WEST12345698765432']);
  });
});

describe('names judged by the words around them', () => {
  it.each([
    ["Heather said: I'm Daniel's daughter", ['Heather', 'Daniel']],
    ["What's your family name? Quillery", ['Quillery']],
    ['Orvenna, can you call me back?', ['Orvenna']],
    ['Tashkar: Where is the key?', ['Tashkar']],
    ['Brevalyn is late again.', ['Brevalyn']],
    ['Signed, Marta K. Bloom', ['Marta K. Bloom']],
    ['Producer James Sparks explained it', ['James Sparks']],
    ['ping benjamin j kowalski today', ['benjamin j kowalski']],
    ['ask dr. hansen about it', ['hansen']],
    ['Our founders: Brevalyn, Graves and Reed.', ['Brevalyn', 'Graves', 'Reed']],
  ])('finds the people in %j', async (text, names) => {
    expect(await valuesOf(text, 'PERSON')).toEqual(names);
  });

  it.each([
    "You're Going To Love It",
    'We flew in from Quorvath last night.',
    'Brevalyn makes fine tea.',
    'Website:\nhttp://example.org/',
    'We had Ostrovian food at noon.',
    'the mr. fixit show',
    'The Quorvex office is closed.',
    'Adres: Keizersgracht 123, 1015 CJ Amsterdam',
    'We sell Apples, Pears and Plums.',
    'maria a lot of it',
  ])('finds no person in %j', async (text) => {
    expect(await valuesOf(text, 'PERSON')).toEqual([]);
  });
});

describe('cards outside the issuer table, phones in the North American layout', () => {
  it('counts a Luhn-valid number outside every issuer range after a card word', async () => {
    expect(await valuesOf('points on my card 0812 3456 7890 1239 expire', 'CREDIT_CARD')).toEqual([
      '0812 3456 7890 1239',
    ]);
  });

  it.each(['invoice 0812 3456 7890 1239 is paid', 'my card 0812 3456 7890 1238 expired'])(
    'finds no card in %j: no card word, or Luhn fails',
    async (text) => {
      expect(await valuesOf(text, 'CREDIT_CARD')).toEqual([]);
    },
  );

  it.each([
    ['It was 123-456-7890 on the form', '123-456-7890'],
    ['the desk, (123) 456-7890, is closed', '(123) 456-7890'],
    ['or 123.456.7890 after six', '123.456.7890'],
    ['Call +1 (123) 456-7890 now', '+1 (123) 456-7890'],
  ])('counts %j without a phone word', async (text, value) => {
    expect(await valuesOf(text, 'PHONE_NUMBER')).toEqual([value]);
  });

  it.each(['batch 123 456 7890 shipped', 'code 123-456.7890 used', 'id 1234567890 used'])(
    'finds no phone in %j',
    async (text) => {
      expect(await valuesOf(text, 'PHONE_NUMBER')).toEqual([]);
    },
  );
});

describe('addresses without a street-type word or a cue', () => {
  it.each([
    ['Unser Büro: Lindenhof 48\n35578 Wetzlar', 'Lindenhof 48\n35578 Wetzlar'],
    ['Kvarnbacken 19, 123 45 Uppsala', 'Kvarnbacken 19, 123 45 Uppsala'],
    ['It went to 30497 Quillbrook 8057 last week', '30497 Quillbrook 8057'],
    ['Ottova 53 Apt. 641, Brezovany', 'Ottova 53 Apt. 641, Brezovany'],
    ['Mail 12 Harrow Road Apt. 8 Kelvedon Essex. Thanks', '12 Harrow Road Apt. 8 Kelvedon Essex'],
    [
      'Send to 4 Elm Street\n Hollowby\n Ruritania 40321?',
      '4 Elm Street\n Hollowby\n Ruritania 40321',
    ],
    [
      'he moved to 12 Kelly Ports, West Amy, NV 89101 last year',
      '12 Kelly Ports, West Amy, NV 89101',
    ],
    ['Send it to USNS Vega, FPO AP 40321', 'USNS Vega, FPO AP 40321'],
  ])('finds the address in %j', async (text, value) => {
    expect(await valuesOf(text, 'STREET_ADDRESS')).toEqual([value]);
  });

  it.each([
    'See Chapter 12, 2019 Edition for details',
    'Guilty Pleasures: 5 Musicians Of The 70s',
    'We sold 300 Units 40 times',
    'Room 12 Suite 4 costs more',
  ])('finds no address in %j', async (text) => {
    expect(await valuesOf(text, 'STREET_ADDRESS')).toEqual([]);
  });
});

describe('digits inside a longer identifier', () => {
  it('takes an IBAN whose account digits pass Luhn for an IBAN, not a card', async () => {
    const text = 'My IBAN is GB67QUIL61234567890125';
    expect((await findingsIn(redactor, text)).map((finding) => finding.className)).toEqual([
      'IBAN_CODE',
    ]);
  });

  it('still finds a card after a colon', async () => {
    expect(await valuesOf('card:4111111111111111', 'CREDIT_CARD')).toEqual(['4111111111111111']);
  });
});
