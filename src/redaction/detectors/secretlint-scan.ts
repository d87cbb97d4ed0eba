import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { creator as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import type { Detection } from '../detection.js';

/**
 * secretlint's profiler sets a performance mark for every rule run and keeps every entry for
 * good; in a server that never exits that is a leak. Its marks go nowhere instead.
 */
(secretLintProfiler as unknown as { perf: unknown }).perf = {
  mark: () => undefined,
  measure: () => undefined,
};

const SECRETLINT_OPTIONS = {
  config: {
    rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedRules }],
  },
  noPhysicFilePath: true,
};

/** The rules of the recommended set that SECRETLINT_PREFILTER was written against. */
export const PREFILTERED_RULE_IDS = [
  'aws',
  'gcp',
  'privatekey',
  'npm',
  'basicauth',
  'slack',
  'sendgrid',
  'shopify',
  'github',
  'openai',
  'anthropic',
  'linear',
  '1password',
  'database-connection-string',
  'filter-comments',
].map((name) => `@secretlint/secretlint-rule-${name}`);

/**
 * What each rule of the recommended set needs in a `.txt` source before it can report: a URL
 * (basic auth, database URLs, Slack webhooks), a key block, a token's fixed start (GitHub,
 * npm, Slack, OpenAI and Anthropic, Linear, SendGrid, Shopify, 1Password) or an AWS secret
 * access key assigned to its name. AWS key and account ids are looked for only when the AWS
 * rule's option asks, which Moat leaves off, and the GCP and npm file rules only in `.json`,
 * `.p12`, `package.json` and `.npmrc` files. A lint run costs tens of microseconds even on a
 * short prompt; text with none of these is spared it.
 */
const SECRETLINT_PREFILTER = new RegExp(
  [
    String.raw`:\/\/`,
    '-----BEGIN',
    'gh[pousr]_',
    'github_pat_',
    'npm_',
    'xox[bpaor]-',
    'xapp-',
    'sk-',
    'lin_api_',
    String.raw`SG\.`,
    'shp(?:pa|ca|at|ss)_',
    'ops_ey',
    String.raw`(?:ACCESS|[Aa]ccess)_?(?:KEY|[Kk]ey)["']?\s*[:=]`,
  ].join('|'),
  'u',
);

/** True when some rule of the recommended set could report something in `text`. */
export function mayHoldSecretlintFinding(text: string): boolean {
  return SECRETLINT_PREFILTER.test(text);
}

/** Findings of secretlint's recommended rule set, as secrets. */
export async function secretlintFindings(text: string): Promise<Detection[]> {
  const result = await lintSource({
    source: { content: text, filePath: '/moat-content.txt', ext: '.txt', contentType: 'text' },
    options: SECRETLINT_OPTIONS,
  });
  return result.messages.map((message) => ({
    className: 'SECRET',
    start: message.range[0],
    end: message.range[1],
    confidence: 0.95,
  }));
}
