import { creator as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import { describe, expect, it } from 'vitest';
import {
  mayHoldSecretlintFinding,
  PREFILTERED_RULE_IDS,
  secretlintFindings,
} from './secretlint-scan.js';

const SAMPLE_TOKEN = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const OPENAI_HALF = 'a1B2c3D4e5F6g7H8i9J0';
const SERVICE_ACCOUNT = {
  email: 'x@y.lcl',
  k: 'M8VPfIc8VEfThcMXLaKCKF8sMh5JMZsPAtu92fQNb-o',
  secretKey: 'A3-C4ZJMN-PQTZTL',
};

/** A value each rule of the recommended set reports, at the least its pattern accepts. */
const REPORTED = {
  'AWS secret key': 'aws_secret_access_key="Q3eGr7w9Xj4kD2pA8bN1mZ5cV6tY0uI3oP7lK9hJ"',
  'AWS secret key after a colon': 'SecretAccessKey:Q3eGr7w9Xj4kD2pA8bN1mZ5cV6tY0uI3oP7lK9hJ',
  'npm token': `npm_${SAMPLE_TOKEN}`,
  'Slack token': 'xoxb-1234567890-abcdefghij',
  'Slack app token': 'xapp-1-A0123-456-abcdef',
  'Slack webhook': 'https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnop',
  'basic auth URL': 'ftp://alice:Zq7Lm2Xc9@example.com',
  'OpenAI key': `sk-${OPENAI_HALF}T3BlbkFJ${OPENAI_HALF}`,
  'Anthropic key': `sk-ant-api03-${'a1B2c3D4e5'.repeat(10)}AA`,
  'Linear key': `lin_api_${SAMPLE_TOKEN.slice(0, 32)}`,
  'private key block': [
    '-----BEGIN PRIVATE KEY-----',
    `MII${'A'.repeat(120)}`,
    '-----END PRIVATE KEY-----',
  ].join('\n'),
  'SendGrid key': `SG.${'a'.repeat(22)}.${'b'.repeat(43)}`,
  'Shopify token': `shpss_${SAMPLE_TOKEN.slice(0, 32)}`,
  'GitHub token': `ghs_${SAMPLE_TOKEN}`,
  'GitHub fine-grained token': `github_pat_${'a1B2c3D4e5F6g7H8i9J0k'.repeat(4).slice(0, 82)}`,
  '1Password token': `ops_${Buffer.from(JSON.stringify(SERVICE_ACCOUNT)).toString('base64')}`,
  'MongoDB URL': 'mongodb+srv://admin:Zq7Lm2Xc9Vb@db.example.com/app',
  'MySQL URL': 'jdbc:mysql://root:Zq7Lm2Xc9Vb@db.example.com/app',
  'PostgreSQL URL': 'postgresql://app:Zq7Lm2Xc9Vb@db.example.com/app',
};

describe('running secretlint only where one of its rules could report', () => {
  it('was written against the rule set installed', () => {
    expect(recommendedRules.rules.map((rule) => rule.meta.id)).toEqual(PREFILTERED_RULE_IDS);
  });

  it.each(Object.entries(REPORTED))('lets the %s through to secretlint', async (_, value) => {
    const text = `here:${value}`;
    expect(mayHoldSecretlintFinding(text)).toBe(true);
    expect(await secretlintFindings(text)).not.toEqual([]);
  });

  it.each([
    'Please refund card 4111 1111 1111 1111 to DE89370400440532013000.',
    'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixed it',
    'the blob is QmFzZTY0IGVuY29kZWQgdGV4dCBpcyBub3QgYSBzZWNyZXQ= today',
    'hash=5f4dcc3b5aa765d61d8327deb882cf99 and mode = strict-transport',
    'The monkey: a keyed lock and an account of the day.',
  ])('spares %j a lint run', async (text) => {
    expect(mayHoldSecretlintFinding(text)).toBe(false);
    expect(await secretlintFindings(text)).toEqual([]);
  });
});
