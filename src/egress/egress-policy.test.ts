import { describe, expect, it } from 'vitest';
import { EgressPolicy } from './egress-policy.js';
import {
  egressRuleSchema,
  whyJustificationIsWeak,
  type EgressRuleConfig,
} from './egress-rule-schema.js';
import { parseIpAddress, type IpAddress } from './ip-address.js';

const NOW_MS = Date.parse('2026-06-01T12:00:00Z');

function rule(
  destination: string,
  ports: (number | string)[],
  expires = '2030-01-01',
): EgressRuleConfig {
  return egressRuleSchema.parse({
    destination,
    ports,
    justification: 'The upstream inference server for the team runs there.',
    approvedBy: 'Ops lead',
    expires,
  });
}

function address(text: string): IpAddress {
  const parsed = parseIpAddress(text);
  if (parsed === undefined) throw new Error(text);
  return parsed;
}

describe('EgressPolicy', () => {
  const policy = new EgressPolicy([
    rule('10.0.0.0/24', [8000, '9000-9010']),
    rule('api.example.com', [443]),
    rule('127.0.0.1', [11434]),
    rule('old.example.com', [443], '2026-05-31'),
  ]);

  it('allows an address inside a range on a listed port', () => {
    expect(policy.checkAddress(address('10.0.0.7'), { port: 9005, nowMs: NOW_MS })).toEqual({
      isAllowed: true,
      ruleIndex: 0,
    });
    expect(
      policy.checkAddress(address('::ffff:10.0.0.7'), { port: 8000, nowMs: NOW_MS }).isAllowed,
    ).toBe(true);
  });

  it('refuses other ports, other addresses and loopback without a rule', () => {
    const refused = [
      ['10.0.0.7', 8001],
      ['10.0.1.7', 8000],
      ['127.0.0.2', 11434],
      ['::1', 11434],
      ['169.254.169.254', 80],
    ] as const;
    for (const [text, port] of refused) {
      expect(policy.checkAddress(address(text), { port, nowMs: NOW_MS }), text).toEqual({
        isAllowed: false,
        reason: 'no_rule',
      });
    }
  });

  it('lets a host-name rule reach public addresses only', () => {
    const hostName = 'API.Example.com.';
    const publicAnswer = policy.checkAddress(address('93.184.216.34'), {
      port: 443,
      hostName,
      nowMs: NOW_MS,
    });
    expect(publicAnswer.isAllowed).toBe(true);

    for (const rebound of ['169.254.169.254', '10.9.9.9', '127.0.0.1', '::ffff:192.168.0.1']) {
      expect(
        policy.checkAddress(address(rebound), { port: 443, hostName, nowMs: NOW_MS }),
        rebound,
      ).toEqual({ isAllowed: false, reason: 'non_public_address' });
    }
  });

  it('never allows the unspecified address, even under a catch-all range', () => {
    // The schema refuses such a rule; the policy holds even for one built without it.
    const catchAll = { ...rule('10.0.0.0/8', ['1-65535']), destination: '0.0.0.0/0' };
    const everything = new EgressPolicy([catchAll]);
    expect(everything.checkAddress(address('0.0.0.0'), { port: 80, nowMs: NOW_MS })).toEqual({
      isAllowed: false,
      reason: 'unspecified_address',
    });
  });

  it('denies through an expired rule, and reports it', () => {
    expect(policy.checkName('old.example.com', { port: 443, nowMs: NOW_MS })).toEqual({
      isAllowed: false,
      reason: 'rule_expired',
    });
    const lastDayMs = Date.parse('2026-05-31T23:59:59Z');
    expect(policy.checkName('old.example.com', { port: 443, nowMs: lastDayMs }).isAllowed).toBe(
      true,
    );
    expect(policy.expiredRules(NOW_MS).map((expired) => expired.index)).toEqual([3]);
  });

  it('matches names exactly, never through userinfo, fragments or suffixes', () => {
    for (const name of [
      'api.example.com@10.0.0.1',
      'api.example.com#x',
      'x.api.example.com',
      'api.example.com.evil.net',
    ]) {
      expect(policy.checkName(name, { port: 443, nowMs: NOW_MS }).isAllowed, name).toBe(false);
    }
  });
});

describe('rule validation', () => {
  it('refuses placeholder and one-word justifications', () => {
    for (const text of [
      'todo',
      'TBD',
      'n/a',
      'N/A.',
      'needed',
      'upstream',
      'todo: tbd',
      'see ticket',
      'required for it',
    ]) {
      expect(whyJustificationIsWeak(text), text).toBeDefined();
    }
    expect(whyJustificationIsWeak('Ollama serves the chat model on this machine.')).toBeUndefined();
  });

  it('refuses destinations that are URLs, numeric spellings or carry tricks', () => {
    const bad = [
      'http://10.0.0.1',
      '10.0.0.1:80',
      '2130706433',
      '0x7f.1',
      'a@b.com',
      'a.com#x',
      '*.example.com',
      '[::1]',
      '',
    ];
    for (const destination of bad) {
      const result = egressRuleSchema.safeParse({ ...rule('10.0.0.1', [80]), destination });
      expect(result.success, destination).toBe(false);
    }
  });

  it.each([
    ['0.0.0.0/0', 4, 8],
    ['0.0.0.0/1', 4, 8],
    ['10.0.0.0/7', 4, 8],
    ['::ffff:0.0.0.0/96', 4, 8],
    ['::ffff:10.0.0.0/103', 4, 8],
    ['::/0', 6, 16],
    ['2000::/3', 6, 16],
    ['fc00::/7', 6, 16],
    ['fe80::/15', 6, 16],
  ])('refuses the over-broad range %s', (destination, family, minimum) => {
    const result = egressRuleSchema.safeParse({ ...rule('10.0.0.1', [80]), destination });

    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      [
        'destination',
        `covers too many addresses: a range needs a prefix of /${minimum} or longer for ` +
          `IPv${family}; name the address, or the smallest range that holds the destination`,
      ],
    ]);
  });

  it.each([
    '0.0.0.0',
    '0.0.0.0/8',
    '0.1.2.3',
    '0.0.0.0/32',
    '::',
    '::/128',
    '0:0::0',
    '::ffff:0.0.0.0',
  ])('refuses the unspecified destination %s, which no rule can allow', (destination) => {
    const result = egressRuleSchema.safeParse({ ...rule('10.0.0.1', [80]), destination });

    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'is an unspecified address ("this host"), which no rule can allow; name the address ' +
        'Moat should reach instead, such as 127.0.0.1 or ::1 for a server on this machine',
    ]);
  });

  it.each([
    '10.0.0.0/8',
    '127.0.0.0/8',
    '169.254.169.254',
    'fd12:3456::/32',
    '2001:db8::/16',
    '::1',
  ])('accepts the range %s, named on purpose', (destination) => {
    expect(egressRuleSchema.safeParse({ ...rule('10.0.0.1', [80]), destination }).success).toBe(
      true,
    );
  });

  it('refuses bad ports and dates', () => {
    const base = rule('10.0.0.1', [80]);
    for (const ports of [[], [0], [70000], ['9-1'], ['80'], [1.5]]) {
      expect(egressRuleSchema.safeParse({ ...base, ports }).success, JSON.stringify(ports)).toBe(
        false,
      );
    }
    for (const expires of ['2026-13-01', '01/02/2026', 'never', '']) {
      expect(egressRuleSchema.safeParse({ ...base, expires }).success, expires).toBe(false);
    }
  });
});
