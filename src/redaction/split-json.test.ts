import { describe, expect, it } from 'vitest';
import { testRedactor } from '../../test/support/test-redactor.js';
import { MoatError } from '../errors/index.js';
import { splitJson } from './split-json.js';

const redactor = await testRedactor();

describe('cutting JSON into values, keys and what lies between', () => {
  it('tells keys from values and keeps every byte', () => {
    const text = '{ "to" : "a@example.com", "n": 12345678901234567890, "tags": ["x\\"y"] }';
    const segments = splitJson(text);

    expect(segments.map((segment) => segment.raw).join('')).toBe(text);
    expect(segments.filter((segment) => segment.kind === 'key').map((s) => s.raw)).toEqual([
      '"to"',
      '"n"',
      '"tags"',
    ]);
    expect(
      segments.flatMap((segment) => (segment.kind === 'value' ? [segment.decoded] : [])),
    ).toEqual(['a@example.com', 'x"y']);
  });

  it('leaves a string that never closes, or has an unknown escape, in the stretch around it', () => {
    for (const text of ['{"a": "cut sho', '{"a": "bad \\q escape"}']) {
      const segments = splitJson(text);
      expect(segments.map((segment) => segment.raw).join('')).toBe(text);
      expect(segments.some((segment) => segment.kind === 'value')).toBe(false);
    }
  });
});

describe('protecting JSON texts', () => {
  it('replaces values inside their strings and keeps the JSON valid', async () => {
    const session = redactor.openSession();
    const value = { to: 'dana.whitfield@example.org', note: 'say "hi" to Dana Whitfield' };
    const [protectedText = ''] = await session.protectTexts(
      [{ text: JSON.stringify(value), isJson: true }],
      'model',
    );

    expect(JSON.parse(protectedText)).toEqual({
      to: '<EMAIL_1>',
      note: 'say "hi" to <PERSON_1>',
    });
    expect(await session.revealToolArguments(protectedText)).toBe(JSON.stringify(value));
  });

  it('finds a value escaped in the JSON, which a scan of the raw text would miss', async () => {
    const session = redactor.openSession();
    const text = '{"to":"dana\\u002ewhitfield\\u0040example.org"}';
    const [protectedText = ''] = await session.protectTexts([{ text, isJson: true }], 'model');
    expect(JSON.parse(protectedText)).toEqual({ to: '<EMAIL_1>' });
  });

  it('writes a bare number replaced as a JSON string, and leaves other numbers be', async () => {
    const session = redactor.openSession();
    const text = '{"card":4111111111111111,"id":12345678901234567890}';
    const [protectedText = ''] = await session.protectTexts([{ text, isJson: true }], 'model');
    expect(protectedText).toBe('{"card":"[REDACTED CARD]","id":12345678901234567890}');
  });

  it('reads keys too, and protects arguments that are not valid JSON', async () => {
    const session = redactor.openSession();
    const [keyed = '', broken = ''] = await session.protectTexts(
      [
        { text: '{"dana.whitfield@example.org": 1}', isJson: true },
        { text: '{"to": "dana.whitfield@example.org", "body": "cut sho', isJson: true },
      ],
      'model',
    );
    expect(keyed).toBe('{"<EMAIL_1>": 1}');
    expect(broken).toBe('{"to": "<EMAIL_1>", "body": "cut sho');
  });

  it('sees a value beside the key that says what it is', async () => {
    const session = redactor.openSession();
    const [phone = ''] = await session.protectTexts(
      [{ text: '{"phone":2025550143}', isJson: true }],
      'model',
    );
    expect(phone).toBe('{"phone":"<PHONE_1>"}');
    await expect(
      session.protectTexts([{ text: '{"password":"hunter2hunter2XYZ"}', isJson: true }], 'model'),
    ).rejects.toMatchObject({ code: 'content_blocked' });
  });

  it('replaces the whole number a finding lies in, so the JSON stays valid', async () => {
    const session = redactor.openSession();
    const [text = ''] = await session.protectTexts(
      [{ text: '{"x":4111111111111111e2,"y":[1,2]}', isJson: true }],
      'model',
    );
    expect(JSON.parse(text)).toEqual({ x: '[REDACTED CARD]', y: [1, 2] });
  });

  it('finds each card of a list of numbers', async () => {
    const session = redactor.openSession();
    const [text = ''] = await session.protectTexts(
      [{ text: '{"cards":[4111111111111111,5500000000000004],"n":[1,234,567]}', isJson: true }],
      'model',
    );
    expect(JSON.parse(text)).toEqual({
      cards: ['[REDACTED CARD]', '[REDACTED CARD]'],
      n: [1, 234, 567],
    });
  });

  it('blocks a secret in any value, naming the class and never the value', async () => {
    const session = redactor.openSession();
    const key = 'ghp_' + 'Zq7Lm2Xc9Vb4Nr8Tw1Ys6Kd3Hf5Jg0Pa2Qe8R';
    const refused = await session
      .protectTexts([{ text: JSON.stringify({ deploy: { token: key } }), isJson: true }], 'model')
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(MoatError);
    expect((refused as MoatError).code).toBe('content_blocked');
    expect((refused as MoatError).message).not.toContain(key);
  });

  it('masks a secret the model wrote into arguments on their way back', async () => {
    const session = redactor.openSession();
    const key = 'ghp_' + 'Zq7Lm2Xc9Vb4Nr8Tw1Ys6Kd3Hf5Jg0Pa2Qe8R';
    const shown = await session.revealToolArguments(JSON.stringify({ token: key, n: 1 }));
    expect(JSON.parse(shown)).toEqual({ token: '[REDACTED SECRET]', n: 1 });
  });
});
