import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findingsIn, testRedactor } from '../../test/support/test-redactor.js';
import { MoatError } from '../errors/index.js';

/** The cases of shared/cases/redaction.md; each name starts with the case's id. */
const redactor = await testRedactor();

const classesIn = async (text: string) =>
  (await findingsIn(redactor, text)).map((finding) => finding.className);

describe('redaction cases', () => {
  it('T1: finds 2221-2720 Mastercard and 19-digit UnionPay numbers', async () => {
    const found = await findingsIn(
      redactor,
      'Charge 2221 0000 0000 0009 and UnionPay 6200000000000000000',
    );
    expect(found.map((finding) => [finding.className, finding.value])).toEqual([
      ['CREDIT_CARD', '2221 0000 0000 0009'],
      ['CREDIT_CARD', '6200000000000000000'],
    ]);
  });

  it('T3: a 13-digit run starting with 4 that fails Luhn is no card', async () => {
    expect(await classesIn('Item 4123456789012 is out of stock')).not.toContain('CREDIT_CARD');
  });

  it('T5: a card followed by .com is one card, replaced from the original text', async () => {
    const text = 'pay 4151 3217 6243 3448.com now';
    expect(await findingsIn(redactor, text)).toEqual([
      { className: 'CREDIT_CARD', value: '4151 3217 6243 3448', confidence: 0.95 },
    ]);
    const { text: masked } = await redactor.apply(text, { direction: 'model' });
    expect(masked).toBe('pay [REDACTED CARD].com now');
    expect(masked).not.toMatch(/\d/u);
  });

  it('T7: a name next to its email address stays two findings', async () => {
    const found = await findingsIn(redactor, 'Chris Singh - chris.singh@example.com');
    expect(found.map((finding) => [finding.className, finding.value])).toEqual([
      ['PERSON', 'Chris Singh'],
      ['EMAIL_ADDRESS', 'chris.singh@example.com'],
    ]);
  });

  it('T9: an address with a trailing dot and no top-level label is no email', async () => {
    expect(await classesIn('write to info@example.')).not.toContain('EMAIL_ADDRESS');
  });

  it('T11: a French national number is a French phone number', async () => {
    const found = await findingsIn(redactor, 'Appelez le 01 99 00 12 34');
    expect(found).toEqual([
      { className: 'PHONE_NUMBER', value: '01 99 00 12 34', confidence: 0.9, region: 'FR' },
    ]);
  });

  it('T13: bare 10-digit ids and timestamps are not phone numbers', async () => {
    expect(await classesIn('{"product_id": 3074185296, "created_at": 1755302400}')).not.toContain(
      'PHONE_NUMBER',
    );
  });

  it('T15: a +44 number is reported as GB', async () => {
    const found = await findingsIn(redactor, 'or on +44 20 7946 0321 after 10am');
    expect(found).toEqual([
      { className: 'PHONE_NUMBER', value: '+44 20 7946 0321', confidence: 0.9, region: 'GB' },
    ]);
  });

  it('T17: "ss#" before a number raises it to a sure SSN', async () => {
    const found = await findingsIn(redactor, 'my ss# is 512-44-3089');
    expect(found).toEqual([{ className: 'US_SSN', value: '512-44-3089', confidence: 0.95 }]);
  });

  it('T19: a part number scores below the threshold, an employee ssn above it', async () => {
    expect(await classesIn('part number 449-87-4100 from the catalog')).toEqual([]);
    expect(await classesIn('employee ssn 449-87-4100')).toEqual(['US_SSN']);

    const strict = await testRedactor({ minConfidence: 0.3 });
    expect(await findingsIn(strict, 'part number 449-87-4100 from the catalog')).toEqual([
      { className: 'US_SSN', value: '449-87-4100', confidence: 0.35 },
    ]);
  });

  it('T21: the IBAN span ends with the IBAN; a wrong check digit is no IBAN', async () => {
    const found = await findingsIn(redactor, 'transfer DE89370400440532013000 failed');
    expect(found).toEqual([
      { className: 'IBAN_CODE', value: 'DE89370400440532013000', confidence: 0.95 },
    ]);
    expect(await classesIn('DE88370400440532013000')).toEqual([]);
  });

  it('T23: a lowercase, grouped IBAN is an IBAN', async () => {
    const found = await findingsIn(redactor, 'iban de89 3704 0044 0532 0130 00');
    expect(found.map((finding) => finding.value)).toEqual(['de89 3704 0044 0532 0130 00']);
  });

  it('T25: a name in capitals after PATIENT: is a person', async () => {
    const found = await findingsIn(redactor, 'PATIENT: SOPHY SANTINO, DOB 01/02/1980');
    expect(found.map((finding) => [finding.className, finding.value])).toEqual([
      ['PERSON', 'SOPHY SANTINO'],
    ]);
  });

  it('T27: numbers and codes are never persons', async () => {
    for (const text of ['1607635102.00 -0.96', 'what is letter 96c', '6033391']) {
      expect(await classesIn(text)).not.toContain('PERSON');
    }
  });

  it('T29: a name after 8,000 characters of filler is still found', async () => {
    const filler = 'the weather report said it would rain later in the week. '.repeat(140);
    const text = `${filler}Meeting with John Smith tomorrow.`;
    expect(text.length).toBeGreaterThan(8000);
    const found = await findingsIn(redactor, text);
    expect(found.map((finding) => [finding.className, finding.value])).toEqual([
      ['PERSON', 'John Smith'],
    ]);
  });

  it('T31: two secrets are both replaced and the rest of the text is unchanged', async () => {
    const openAiKey = `sk-proj-${randomToken(48)}`;
    const githubToken = `ghp_${randomToken(36)}`;
    const text = `keys: ${openAiKey} and ${githubToken}`;
    const found = await findingsIn(redactor, text);
    expect(found.map((finding) => finding.value)).toEqual([openAiKey, githubToken]);

    const masking = await testRedactor({ policy: { SECRET: { model: 'mask' } } });
    const { text: masked } = await masking.apply(text, { direction: 'model' });
    expect(masked).toBe('keys: [REDACTED SECRET] and [REDACTED SECRET]');
  });

  it('T33: the password in an unquoted connection string is a secret', async () => {
    const text = 'Data Source=db1:1521/prod;User ID=svc;Password=svcpass99;';
    expect(await findingsIn(redactor, text)).toEqual([
      { className: 'SECRET', value: 'svcpass99', confidence: 0.95 },
    ]);
  });

  it('T35: a YAML password under an environment-style name is a secret', async () => {
    const found = await findingsIn(redactor, 'PASSWORD: dY^5Ke76gdSiF');
    expect(found.map((finding) => [finding.className, finding.value])).toEqual([
      ['SECRET', 'dY^5Ke76gdSiF'],
    ]);
  });

  it('T37: git hashes, placeholders and words containing key names are no secrets', async () => {
    for (const text of [
      'git revert a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
      'apiKey: YOUR_API_KEY_HERE',
      'token: ${GITHUB_TOKEN}',
      'password: {{ db_password }}',
      'the redundant copy was removed',
      'session_token = 3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f',
    ]) {
      expect(await classesIn(text)).not.toContain('SECRET');
    }
  });

  it('T39: restoring is literal, for values with + and [ in them', async () => {
    const session = redactor.openSession();
    const [prompt] = await session.protectAll(
      ['I am [redacted_person_1] (Jo Mills), call +1-202-555-0100 or jo+test@example.com'],
      'model',
    );
    expect(prompt).toBe('I am [redacted_person_1] (<PERSON_1>), call <PHONE_1> or <EMAIL_1>');
    const reply = 'Hi <PERSON_1>, call <PHONE_1> and write to <EMAIL_1>; <PERSON_9> stays.';
    expect(session.restore(reply)).toBe(
      'Hi Jo Mills, call +1-202-555-0100 and write to jo+test@example.com; <PERSON_9> stays.',
    );
  });

  it('T41: replacements are computed on the original, leaving no piece of any value', async () => {
    const text = 'My name is John Smith, my email is john@example.com, phone 202-555-0147';
    const { text: redacted } = await redactor.apply(text, { direction: 'model' });
    expect(redacted).toBe('My name is <PERSON_1>, my email is <EMAIL_1>, phone <PHONE_1>');
    for (const value of ['John Smith', 'john@example.com', '202-555-0147']) {
      for (let start = 0; start + 4 <= value.length; start++) {
        expect(redacted).not.toContain(value.slice(start, start + 4));
      }
    }
  });

  it('T43: a blocked prompt names the class, never the value', async () => {
    const blocking = await testRedactor({ policy: { CREDIT_CARD: { model: 'block' } } });
    const attempt = blocking.apply('charge 4111 1111 1111 1111 today', { direction: 'model' });
    await expect(attempt).rejects.toThrow(MoatError);
    const error = (await attempt.catch((thrown: unknown) => thrown)) as MoatError;
    expect(error.code).toBe('content_blocked');
    expect(error.message).toBe('The content holds data that policy blocks: CREDIT_CARD.');
    expect(JSON.stringify({ code: error.code, message: error.message })).not.toMatch(/1111/u);
  });

  it('T45: a placeholder split across stream chunks is restored whole', async () => {
    const session = redactor.openSession();
    await session.protectAll(['Write to Dana Whitfield about the order.'], 'model');
    const restorer = session.streamRestorer();
    const sent = [restorer.push('Dear <PER'), restorer.push('SON_1>,'), restorer.end()];
    expect(sent).toEqual(['Dear ', 'Dana Whitfield,', '']);
  });
});

function randomToken(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
