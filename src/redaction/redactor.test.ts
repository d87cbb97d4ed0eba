import { describe, expect, it } from 'vitest';
import { findingsIn, testRedactor } from '../../test/support/test-redactor.js';
import { MoatError } from '../errors/index.js';
import { AnswerFilter } from './answer-filter.js';
import type { Detector } from './detection.js';
import { RedactionPolicy } from './redaction-policy.js';
import { PseudonymMap } from './pseudonym-map.js';
import { Redactor } from './redactor.js';

const redactor = await testRedactor();

const found = async (text: string) =>
  (await findingsIn(redactor, text)).map((finding) => [finding.className, finding.value]);

describe('detectors, one class at a time', () => {
  it.each([
    ['write to a.b+c@mail.example.co.uk today', 'a.b+c@mail.example.co.uk'],
    ['contact jo [at] example [dot] com', 'jo [at] example [dot] com'],
    ['mail ｊｏ＠ｅｘａｍｐｌｅ．ｃｏｍ now', 'ｊｏ＠ｅｘａｍｐｌｅ．ｃｏｍ'],
  ])('finds the email in %j', async (text, value) => {
    expect(await found(text)).toEqual([['EMAIL_ADDRESS', value]]);
  });

  it.each(['an @ sign alone', 'user@localhost is local', 'version 1.2@beta'])(
    'finds no email in %j',
    async (text) => {
      expect((await found(text)).map(([name]) => name)).not.toContain('EMAIL_ADDRESS');
    },
  );

  it('finds IPv4 and IPv6 addresses, not versions or times', async () => {
    expect(await found('from 192.168.10.4 and 2001:db8::8a2e:370:7334')).toEqual([
      ['IP_ADDRESS', '192.168.10.4'],
      ['IP_ADDRESS', '2001:db8::8a2e:370:7334'],
    ]);
    expect(await found('at 10:30:45 we moved to 999.1.1.1')).toEqual([]);
  });

  it.each([
    ['no user name', 'cache at redis://:Rq7vT2mX9pL4@cache:6379/0', ':Rq7vT2mX9pL4'],
    ['an @ in the password', 'queue at amqp://app:Rq7v@T2mX9@mq.lcl/vhost', 'app:Rq7v@T2mX9'],
  ])('finds the credentials of a URL with %s', async (_kind, text, credentials) => {
    const [url, ...others] = await found(text);
    expect(others).toEqual([]);
    expect(url?.[1]).toContain(credentials);
  });

  it('finds credentials in URLs and key blocks, tokens and JWTs as secrets', async () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const block =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34\n-----END RSA PRIVATE KEY-----';
    const [url] = await found('db at postgres://app:Sup3rS3cret@db:5432/x');
    expect(['URL_CREDENTIALS', 'SECRET']).toContain(url?.[0]);
    expect(url?.[1]).toContain('app:Sup3rS3cret');
    expect(await found(`token ${jwt} ok`)).toEqual([['SECRET', jwt]]);
    expect(await found(`key:\n${block}\n`)).toEqual([['SECRET', block]]);
    // Shorter than secretlint's rule takes: only Moat's own rule sees it.
    const fineGrained = 'github_pat_' + 'Q7x2Lm9Vb4Nr8Tw1Ys6Kd3Hf5Jg0Pa';
    expect(await found(`clone with ${fineGrained} today`)).toEqual([['SECRET', fineGrained]]);
    expect(await found('aws AKIAQ3EGRTW7XJ4KD2PA here')).toEqual([
      ['SECRET', 'AKIAQ3EGRTW7XJ4KD2PA'],
    ]);
  });

  it('finds cards in every grouping, and not numbers outside issuer ranges', async () => {
    expect(await found('amex 3782-822463-10005, visa 4012888888881881')).toEqual([
      ['CREDIT_CARD', '3782-822463-10005'],
      ['CREDIT_CARD', '4012888888881881'],
    ]);
    expect(await found('order 1234567812345670 shipped')).toEqual([]);
  });

  it('refuses IBANs with alias check digits and SSNs from unissued areas', async () => {
    expect(await found('GB00WEST12345698765432 and 666-12-3456 and 900-12-3456')).toEqual([]);
    expect(await found('GB82 WEST 1234 5698 7654 32')).toEqual([
      ['IBAN_CODE', 'GB82 WEST 1234 5698 7654 32'],
    ]);
  });

  it('finds operator classes with their checksum and context words', async () => {
    const custom = await testRedactor({
      customClasses: [
        {
          name: 'CUSTOMER_ID',
          pattern: '\\bC-\\d{8}\\b',
          ignoreCase: false,
          checksum: 'luhn',
          contextWords: ['customer'],
          requireContext: true,
        },
      ],
    });
    expect(await findingsIn(custom, 'customer C-79927398 called')).toEqual([
      { className: 'CUSTOMER_ID', value: 'C-79927398', confidence: 0.9 },
    ]);
    expect(await findingsIn(custom, 'customer C-79927391 called')).toEqual([]);
    expect(await findingsIn(custom, 'ticket C-79927398 closed')).toEqual([]);
    const { text } = await custom.apply('customer C-79927398', { direction: 'model' });
    expect(text).toBe('customer <CUSTOMER_ID_1>');
  });
});

describe('policy', () => {
  it('applies each action by class and direction', async () => {
    const custom = await testRedactor({
      policy: { EMAIL_ADDRESS: { model: 'allow', memory: 'block' }, PERSON: { model: 'mask' } },
    });
    const text = 'Dana Whitfield, dana@example.org';
    expect((await custom.apply(text, { direction: 'model' })).text).toBe(
      '[REDACTED PERSON], dana@example.org',
    );
    await expect(custom.apply(text, { direction: 'memory' })).rejects.toMatchObject({
      code: 'content_blocked',
      message: 'The content holds data that policy blocks: EMAIL_ADDRESS.',
    });
  });

  it('masks instead of pseudonymizing on the way back to the caller', async () => {
    const custom = await testRedactor({ policy: { EMAIL_ADDRESS: { caller: 'pseudonymize' } } });
    const session = custom.openSession();
    expect(await session.revealAnswer('write to jo@example.org')).toBe('write to [REDACTED EMAIL]');
  });

  it('masks a secret the model writes, even across stream chunks', async () => {
    const session = redactor.openSession();
    const filter = new AnswerFilter(session);
    const key = 'ghp_' + 'Zq7Lm2Xc9Vb4Nr8Tw1Ys6Kd3Hf5Jg0Pa2Qe8R';
    const sent = [
      await filter.push(`use ${key.slice(0, 10)}`),
      await filter.push(`${key.slice(10)} now`),
      await filter.end(),
    ];
    expect(sent.join('')).toBe('use [REDACTED SECRET] now');
    expect(sent.join('')).not.toContain('Zq7Lm2');
  });

  /** Streams `pieces` through a fresh filter and returns what was sent, piece by piece. */
  async function streamed(pieces: readonly string[]): Promise<string[]> {
    const filter = new AnswerFilter(redactor.openSession());
    const sent: string[] = [];
    for (const piece of pieces) sent.push(await filter.push(piece));
    sent.push(await filter.end());
    return sent;
  }

  it('finds a password whose keyword came in an earlier piece', async () => {
    const sent = await streamed(['the db ', 'password = ', 'Kx9#mQ2vL7pZ ', 'is set']);
    expect(sent.join('')).toBe('the db password = [REDACTED SECRET] is set');
  });

  it('holds a private-key block until it ends, so its body is never sent unscanned', async () => {
    const block =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4\n' +
      '-----END RSA PRIVATE KEY-----';
    const intro = 'Here it is, the key you asked for, with its header and its footer lines:\n';
    const pieces = [intro, ...(block.match(/[\s\S]{1,7}/gu) ?? []), '\nkeep it safe'];
    const sent = await streamed(pieces);

    expect(sent.join('')).toBe(`${intro}[REDACTED SECRET]\nkeep it safe`);
    for (const piece of sent) expect(piece).not.toContain('MIIB');
    expect(sent.slice(0, 3).join('')).toContain('Here it is');
  });

  it('holds the newest text back, so a grouped number is whole when its first group goes', async () => {
    const custom = await testRedactor({
      policy: { CREDIT_CARD: { caller: 'mask' }, PHONE_NUMBER: { caller: 'mask' } },
    });
    const filter = new AnswerFilter(custom.openSession());
    const pieces = [
      'Pay with ',
      '4111 ',
      '1111 ',
      '1111 ',
      '1111 thanks, or ring ',
      '+44 20 ',
      '7946 0321',
      ' today.',
    ];
    const sent: string[] = [];
    for (const piece of pieces) sent.push(await filter.push(piece));
    sent.push(await filter.end());

    expect(sent.join('')).toBe('Pay with [REDACTED CARD] thanks, or ring [REDACTED PHONE] today.');
    for (const piece of sent) expect(piece).not.toMatch(/4111|7946|\+44/u);
  });

  it.each([
    ['zero-width spaces', (group: string) => `${group}${'\u200b'.repeat(60)}`],
    [
      'stacked combining marks',
      (group: string) => group.replace(/\d/gu, `$&${'\u0301\u0332\u0323'.repeat(5)}`),
    ],
  ])('holds 64 visible characters back, however many %s a value hides', async (_name, pad) => {
    const custom = await testRedactor({ policy: { CREDIT_CARD: { caller: 'mask' } } });
    const filter = new AnswerFilter(custom.openSession());
    const card = ['4111', '1111', '1111', '1111'].map(pad);
    const sent: string[] = [];
    for (const piece of ['Pay with ', ...card.map((group) => `${group} `), 'thanks.']) {
      sent.push(await filter.push(piece));
    }
    sent.push(await filter.end());

    expect(sent.join('')).toBe('Pay with [REDACTED CARD] thanks.');
    for (const piece of sent) expect(piece).not.toMatch(/1/u);
  });

  it('rescans 128 visible characters already sent, however many are hidden among them', async () => {
    const sent = await streamed([
      `the db password =${'\u200b'.repeat(200)} `,
      'Kx9#mQ2vL7pZ is set for the service, so nothing else is needed to log in.',
      ' Done.',
    ]);
    expect(sent.join('')).not.toContain('Kx9#mQ2vL7pZ');
  });

  it('releases a flood of invisible characters instead of holding it forever', async () => {
    const filter = new AnswerFilter(redactor.openSession());
    let released = 0;
    for (let piece = 0; piece < 4000; piece++) {
      released += (await filter.push('\u200b\u200b\u200b')).length;
    }
    expect(released).toBeGreaterThan(12_000 - 2 * 4096);
  });

  it('keeps a long token whole: a JWT streamed in two pieces is masked', async () => {
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJ${'a1B2c3D4'.repeat(36)}.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk`;
    const sent = await streamed([
      'token ',
      jwt.slice(0, 200),
      jwt.slice(200),
      ' end of the answer',
    ]);
    expect(sent.join('')).toBe('token [REDACTED SECRET] end of the answer');
    for (const piece of sent) expect(piece).not.toContain('a1B2c3D4');
  });

  it('cuts a long chunk at a space, never in the middle of a word', async () => {
    const key = 'ghp_' + 'Zq7Lm2Xc9Vb4Nr8Tw1Ys6Kd3Hf5Jg0Pa2Qe8R';
    const long = `${'word '.repeat(80)}${key.slice(0, 12)}`;
    const sent = await streamed([long, `${key.slice(12)} done`]);
    expect(sent.join('')).toBe(`${'word '.repeat(80)}[REDACTED SECRET] done`);
    expect(sent[0]).toMatch(/^(?:word )+$/u);
  });

  it('releases a run without spaces longer than any token instead of holding it forever', async () => {
    const sent = await streamed(['x'.repeat(5000), 'y']);
    expect(sent[0]).toBe('x'.repeat(5000 - 64));
  });
});

describe('text the caller writes in the shape of a placeholder', () => {
  it('numbers placeholders above any the caller wrote, and restores only its own', async () => {
    const session = redactor.openSession();
    const [prompt] = await session.protectAll(
      ['Keep <EMAIL_1> and <PERSON_2> as written; my mail is zq.dana@example.org'],
      'model',
    );
    expect(prompt).toBe('Keep <EMAIL_1> and <PERSON_2> as written; my mail is <EMAIL_2>');
    expect(await session.revealAnswer('You wrote <EMAIL_1>; yours is <EMAIL_2>.')).toBe(
      'You wrote <EMAIL_1>; yours is zq.dana@example.org.',
    );
  });

  it.each([
    ['escaped in JSON', '{"note":"keep \\u003cEMAIL_1\\u003e", "to":"zq.dana@example.org"}', true],
    ['in full-width brackets', 'keep \uff1cEMAIL_1\uff1e; mail zq.dana@example.org', false],
    ['in small brackets', 'keep \ufe64EMAIL_1\ufe65; mail zq.dana@example.org', false],
    ['with a zero-width space inside', 'keep <EMAIL\u200b_1>; mail zq.dana@example.org', false],
  ])('numbers placeholders above one written %s', async (_name, text, isJson) => {
    const session = redactor.openSession();
    await session.protectTexts([{ text, isJson }], 'model');
    expect(session.restore('<EMAIL_1>')).toBe('<EMAIL_1>');
    expect(session.restore('<EMAIL_2>')).toBe('zq.dana@example.org');
  });
});

describe('overlapping findings of classes with different policies', () => {
  it('takes the strictest action of the classes merged into one span', async () => {
    const custom = await testRedactor({ policy: { CREDIT_CARD: { model: 'allow' } } });
    const [text] = await custom
      .openSession()
      .protectAll(['visit 4151-3217-6243-3448@example.com today'], 'model');
    expect(text).not.toContain('4151');
    expect(text).toMatch(/^visit <(?:EMAIL|CARD)_1> today$/u);
  });

  it('blocks a span when any class merged into it is blocked', async () => {
    const custom = await testRedactor({ policy: { EMAIL_ADDRESS: { model: 'block' } } });
    await expect(
      custom.apply('visit 4151-3217-6243-3448@example.com today', { direction: 'model' }),
    ).rejects.toMatchObject({ code: 'content_blocked' });
  });
});

describe('formatting that hides a value', () => {
  const protect = async (text: string) => (await redactor.apply(text, { direction: 'model' })).text;

  it.each([
    [
      'no-break spaces in a card',
      'card 4111\u00a01111\u00a01111\u00a01111 ok',
      'card [REDACTED CARD] ok',
    ],
    ['thin spaces in a card', 'card 4111\u20091111\u20091111\u20091111', 'card [REDACTED CARD]'],
    ['double spaces in a card', 'paid 4111  1111  1111  1111 ok', 'paid [REDACTED CARD] ok'],
    ['dots in a card', 'paid 5555.5555.5555.4444 ok', 'paid [REDACTED CARD] ok'],
    ['spaced dashes in a card', 'paid 4111 - 1111 - 1111 - 1111', 'paid [REDACTED CARD]'],
    [
      'zero-width spaces in a card',
      'card 4111\u200b1111\u200b1111\u200b1111.',
      'card [REDACTED CARD].',
    ],
    [
      'Arabic-Indic digits',
      'card \u0664\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661',
      'card [REDACTED CARD]',
    ],
    [
      'mathematical digits',
      'card \u{1d7d2}\u{1d7cf}\u{1d7cf}\u{1d7cf}111111111111',
      'card [REDACTED CARD]',
    ],
    ['a zero-width joiner in an email', 'mail zq.whit@exa\u200dmple.org now', 'mail <EMAIL_1> now'],
    ['a soft hyphen in an email', 'mail zq.whit\u00ad@example.org now', 'mail <EMAIL_1> now'],
    [
      'a zero-width space at the start of an email',
      'mail zq5\u200b.whit@example.org',
      'mail <EMAIL_1>',
    ],
    ['small and ideographic signs in an email', 'mail zq\ufe6bexample\u3002org', 'mail <EMAIL_1>'],
    [
      'narrow no-break spaces in a French number',
      'Appelez le 01\u202f99\u202f00\u202f12\u202f34',
      'Appelez le <PHONE_1>',
    ],
    ['non-breaking hyphens in an SSN', 'my ssn is 512\u201144\u20113089', 'my ssn is <SSN_1>'],
    ['a minus sign in an SSN', 'my ssn is 512\u221244\u22123089', 'my ssn is <SSN_1>'],
    [
      'variation selectors in a card',
      'card 4111\ufe0f1111\ufe0f1111\ufe0f1111 ok',
      'card [REDACTED CARD] ok',
    ],
    [
      'a combining grapheme joiner in a card',
      'card 4111\u034f1111 1111 1111 ok',
      'card [REDACTED CARD] ok',
    ],
    [
      'Hangul fillers in a card',
      'card 4111\u31641111\u31641111\u31641111 ok',
      'card [REDACTED CARD] ok',
    ],
    [
      'underlined digits',
      `card ${'4111111111111111'.replace(/\d/gu, '$&\u0332')} ok`,
      'card [REDACTED CARD] ok',
    ],
    ['a lone surrogate in a card', 'card 4111\ud8001111 1111 1111 ok', 'card [REDACTED CARD] ok'],
    [
      'circled digits',
      'card \u2463\u2460\u2460\u2460 \u2460\u2460\u2460\u2460 \u2460\u2460\u2460\u2460 \u2460\u2460\u2460\u2460 ok',
      'card [REDACTED CARD] ok',
    ],
    [
      'superscript digits',
      'card \u2074\u00b9\u00b9\u00b9 \u00b9\u00b9\u00b9\u00b9 \u00b9\u00b9\u00b9\u00b9 \u00b9\u00b9\u00b9\u00b9 ok',
      'card [REDACTED CARD] ok',
    ],
    [
      'a last digit written as a digit and full stop',
      'card 4111 1111 1111 111\u2488 ok',
      'card [REDACTED CARD] ok',
    ],
    [
      'mathematical bold letters in an email',
      'mail \u{1d433}\u{1d42a}.whit@example.org now',
      'mail <EMAIL_1> now',
    ],
    ['a one-dot leader in an email', 'mail zq.whit@example\u2024org now', 'mail <EMAIL_1> now'],
  ])('finds %s, hidden characters and all', async (_name, text, expected) => {
    expect(await protect(text)).toBe(expected);
  });

  it('blocks a password whose name holds a zero-width space', async () => {
    await expect(protect('password\u200b=Zq14Secretpw99')).rejects.toMatchObject({
      code: 'content_blocked',
    });
  });

  it('keeps the offsets of everything else where they were', async () => {
    const text = 'José \u2014 the lead \u00e9 \u00fc \u4e2d\u6587, mail jo\u200b@example.org today';
    expect(await protect(text)).toBe(
      '<PERSON_1> \u2014 the lead \u00e9 \u00fc \u4e2d\u6587, mail <EMAIL_1> today',
    );
  });
});

describe('failing closed', () => {
  const failing = (detect: Detector['detect']): Redactor =>
    new Redactor({
      detectors: [{ name: 'broken', classNames: ['PERSON'], detect }],
      classNames: ['PERSON'],
      policy: new RedactionPolicy(),
      timeoutMs: 50,
    });

  it('refuses the content when a detector throws', async () => {
    const broken = failing(() => {
      throw new Error('detector bug');
    });
    const error = await broken.apply('hello', { direction: 'model' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoatError);
    expect((error as MoatError).code).toBe('redaction_failed');
  });

  it('refuses the content when a detector runs out of time', async () => {
    const slow = failing(() => new Promise(() => undefined));
    await expect(slow.apply('hello', { direction: 'model' })).rejects.toMatchObject({
      code: 'redaction_failed',
    });
  });

  it('refuses the content when a detector answering at once overruns the time', async () => {
    const busy = failing(() => {
      const startedMs = performance.now();
      while (performance.now() - startedMs < 60) continue;
      return [];
    });
    await expect(busy.apply('hello', { direction: 'model' })).rejects.toMatchObject({
      code: 'redaction_failed',
    });
  });

  it('refuses the content when a detector rejects', async () => {
    const broken = failing(() => Promise.reject(new Error('detector bug')));
    await expect(broken.apply('hello', { direction: 'model' })).rejects.toMatchObject({
      code: 'redaction_failed',
    });
  });

  it('times out a late detector after others answered at once or in time', async () => {
    const person = { className: 'PERSON', start: 0, end: 5, confidence: 0.9 };
    const mixed = new Redactor({
      detectors: [
        { name: 'at once', classNames: ['PERSON'], detect: () => [person] },
        { name: 'in time', classNames: ['PERSON'], detect: () => Promise.resolve([person]) },
        { name: 'late', classNames: ['PERSON'], detect: () => new Promise(() => undefined) },
      ],
      classNames: ['PERSON'],
      policy: new RedactionPolicy(),
      timeoutMs: 50,
    });
    await expect(mixed.scan('hello')).rejects.toMatchObject({ code: 'redaction_failed' });
  });
});

describe('restoring tool-call arguments', () => {
  it('puts values back into JSON arguments escaped, keeping the JSON valid', () => {
    const map = new PseudonymMap();
    const value = 'Jo "JJ" O\\Neil';
    const placeholder = map.placeholderFor('PERSON', value);
    const restored = map.restoreInJson(`{"to":"${placeholder}","cc":["${placeholder}"]}`);
    expect(JSON.parse(restored)).toEqual({ to: value, cc: [value] });
  });

  it('restores tool arguments through the request session', async () => {
    const session = redactor.openSession();
    const [prompt] = await session.protectAll(['mail jo+1@example.org please'], 'model');
    expect(prompt).toBe('mail <EMAIL_1> please');
    expect(await session.revealToolArguments('{"to":"<EMAIL_1>"}')).toBe(
      '{"to":"jo+1@example.org"}',
    );
  });
});

describe('stream restoring', () => {
  it('holds back no more than the longest placeholder after a stray "<"', async () => {
    const session = redactor.openSession();
    await session.protectAll(['mail jo@example.org'], 'model');
    const restorer = session.streamRestorer();
    expect(restorer.push('if a <B then')).toBe('if a <B then');
    expect(restorer.push(' x <EMAIL')).toBe(' x ');
    expect(restorer.push('_1> ok <')).toBe('jo@example.org ok ');
    expect(restorer.end()).toBe('<');
    // Longer than any placeholder can be: sent at once, nothing held.
    expect(restorer.push(`<${'A'.repeat(60)}`)).toBe(`<${'A'.repeat(60)}`);
  });
});

const emailMaskedForCaller = await testRedactor({
  policy: { EMAIL_ADDRESS: { model: 'pseudonymize', caller: 'mask' } },
});
const emailBlockedForCaller = await testRedactor({
  policy: { EMAIL_ADDRESS: { model: 'pseudonymize', caller: 'block' } },
});
const ibanMaskedForCaller = await testRedactor({
  policy: { IBAN_CODE: { model: 'allow', caller: 'mask' } },
});

const BADGE_NEEDING_CONTEXT = {
  name: 'BADGE',
  pattern: String.raw`\d{3}-\d{3}-\d{4}`,
  ignoreCase: false,
  checksum: 'none',
  contextWords: ['badge'],
  requireContext: true,
} as const;

describe('caller policy on values put back into the answer', () => {
  it('restores a value whose class the caller may see', async () => {
    const session = redactor.openSession();
    await session.protectAll(['mail zq.ruth@example.org'], 'model');
    expect(await session.revealAnswer('Wrote to <EMAIL_1>.')).toBe('Wrote to zq.ruth@example.org.');
  });

  it('masks a restored value whose class caller policy masks, whole or streamed', async () => {
    const session = emailMaskedForCaller.openSession();
    await session.protectAll(['mail zq.ruth@example.org'], 'model');
    expect(await session.revealAnswer('Wrote to <EMAIL_1>.')).toBe('Wrote to [REDACTED EMAIL].');
    expect(await session.revealToolArguments('{"to":"<EMAIL_1>"}')).toBe(
      '{"to":"[REDACTED EMAIL]"}',
    );

    const filter = new AnswerFilter(session);
    const sent = [
      await filter.push('Wrote to <EMA'),
      await filter.push('IL_1>.'),
      await filter.end(),
    ];
    expect(sent.join('')).toBe('Wrote to [REDACTED EMAIL].');
    expect(session.tallies).toContainEqual(
      expect.objectContaining({ className: 'EMAIL_ADDRESS', direction: 'caller', action: 'mask' }),
    );
  });

  it('refuses an answer that would put back a value caller policy blocks, naming the class', async () => {
    const session = emailBlockedForCaller.openSession();
    await session.protectAll(['mail zq.ruth@example.org'], 'model');
    const refusal = session.revealAnswer('Wrote to <EMAIL_1>.');
    await expect(refusal).rejects.toMatchObject({ code: 'content_blocked' });
    await expect(refusal).rejects.toSatisfy(
      (error: Error) => error.message.includes('EMAIL_ADDRESS') && !error.message.includes('zq.'),
    );
  });

  it('takes the strictest caller action of every class merged into the placeholder', async () => {
    const session = ibanMaskedForCaller.openSession();
    // An IBAN inside an email address: one span, pseudonymized as an email to the model.
    const [prompt] = await session.protectAll(
      ['write to DE89370400440532013000@example.org'],
      'model',
    );
    expect(prompt).toBe('write to <EMAIL_1>');
    expect(await session.revealAnswer('Sent to <EMAIL_1>')).toBe('Sent to [REDACTED IBAN]');
  });

  it.each(['allow', 'mask'] as const)(
    'keeps every class a value was found as, whichever mention the answer repeats (%s to the model)',
    async (toModel) => {
      const badges = await testRedactor({
        policy: { BADGE: { model: toModel, caller: 'mask' } },
        customClasses: [BADGE_NEEDING_CONTEXT],
      });
      const session = badges.openSession();
      // The number is a badge only where the word says so; it is one value all the same.
      const [prompt] = await session.protectAll(
        ['call 212-555-0147 please', 'my badge is 212-555-0147'],
        'model',
      );
      expect(prompt).toBe('call <PHONE_1> please');
      expect(await session.revealAnswer('Badge <PHONE_1>')).toBe('Badge [REDACTED BADGE]');
    },
  );
});

describe('running only the detectors a direction needs', () => {
  /** A redactor whose one person detector counts the texts it is given. */
  function countingRedactor(policy: RedactionPolicy) {
    const seen: string[] = [];
    const person: Detector = {
      name: 'counting',
      classNames: ['PERSON'],
      detect: (text) => {
        seen.push(text);
        return [{ className: 'PERSON', start: 0, end: 4, confidence: 0.9 }];
      },
    };
    return {
      seen,
      redactor: new Redactor({ detectors: [person], classNames: ['PERSON'], policy }),
    };
  }

  it('skips a detector whose classes policy allows in that direction', async () => {
    const { seen, redactor: counting } = countingRedactor(new RedactionPolicy());
    expect(await counting.scan('Mira is here', { direction: 'caller' })).toEqual([]);
    expect(await counting.scan('Mira is here', { direction: 'memory' })).toHaveLength(1);
    expect(await counting.scan('Mira is here')).toHaveLength(1);
    expect(seen).toHaveLength(2);
  });

  it("looks for the caller's classes on the way to the model, since values come back", async () => {
    const policy = new RedactionPolicy({
      overrides: { PERSON: { model: 'allow', caller: 'mask' } },
    });
    const { seen, redactor: counting } = countingRedactor(policy);
    await counting.scan('Mira is here', { direction: 'model' });
    expect(seen).toHaveLength(1);
  });

  it('finds only secrets in an answer under the default caller policy', async () => {
    const text = 'Mirela Brandt at mb@example.org, key ghp_Zq7Lm2Xc9Vb4Nr8Tw1Ys6Kd3Hf5Jg0Pa2Qe8R';
    const classes = (await redactor.scan(text, { direction: 'caller' })).map((f) => f.className);
    expect(classes).toEqual(['SECRET']);
    expect((await redactor.scan(text)).map((f) => f.className)).toEqual([
      'PERSON',
      'EMAIL_ADDRESS',
      'SECRET',
    ]);
  });
});
