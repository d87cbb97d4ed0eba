/**
 * Secrets recognised by their shape. Each rule has a cheap keyword that must occur in the
 * text before its pattern runs, and an entropy floor where real keys look random while
 * examples and placeholders do not.
 */
export interface SecretRule {
  id: string;
  /** Lowercase text that every match contains; the pattern is skipped when it is absent. */
  keyword: string;
  pattern: RegExp;
  /** Least bits per character of the matched value. @default 0 */
  minEntropy?: number;
}

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'private-key-block',
    keyword: 'private key',
    pattern:
      /-----BEGIN[A-Z ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[\s\S]*$)/gu,
  },
  { id: 'aws-access-key', keyword: 'a', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/gu },
  {
    id: 'github-token',
    keyword: 'gh',
    pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/gu,
    minEntropy: 3,
  },
  // A rule of its own: "github_pat_" does not hold the classic tokens' "gh".
  {
    id: 'github-fine-grained-token',
    keyword: 'github_pat_',
    pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/gu,
    minEntropy: 3,
  },
  {
    id: 'openai-style-key',
    keyword: 'sk-',
    pattern: /(?<![\w-])sk-(?:[a-z]{2,10}-)?[A-Za-z0-9_-]{20,300}/gu,
    minEntropy: 3.2,
  },
  { id: 'slack-token', keyword: 'xox', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,250}\b/gu },
  {
    id: 'stripe-key',
    keyword: '_',
    pattern: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,250}\b/gu,
    minEntropy: 3,
  },
  { id: 'google-api-key', keyword: 'aiza', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![\w-])/gu },
  { id: 'npm-token', keyword: 'npm_', pattern: /\bnpm_[A-Za-z0-9]{36}\b/gu, minEntropy: 3 },
  // An HTTP Authorization header, as pasted from a curl command or a request log: only the
  // credentials after the scheme. A bearer token holds a digit, which words and placeholders
  // ("Bearer YOUR_ACCESS_TOKEN") do not.
  {
    id: 'bearer-token',
    keyword: 'bearer',
    pattern: /(?<=\bbearer[ \t]+)(?=[\w.~+/-]*\d)[\w.~+/-]{16,4096}=*/giu,
    minEntropy: 3,
  },
  // Any other scheme ("Token", "ApiKey", "SSWS"), or none, also in a header written as JSON.
  {
    id: 'authorization-credentials',
    keyword: 'authorization',
    pattern:
      /(?<=\bauthorization["']?[ \t]*[:=][ \t]*["']?(?:(?!bearer\b|basic\b)[A-Za-z][\w-]{0,30}[ \t]+)?)(?=[\w.~+/-]*\d)[\w.~+/-]{8,4096}=*/giu,
    minEntropy: 3,
  },
  // `curl -u user:password`. As for a flag below, a word alone or a placeholder is not one.
  {
    id: 'command-line-user',
    keyword: '-u',
    pattern:
      /(?<=(?:^|\s)(?:-u|--user)[ \t]+["']?[^\s:"']{1,256}:)(?![$<{%])(?=[^\s"'`]*[^A-Za-z\s"'`])[^\s"'`]{4,1024}/gu,
  },
  // `--password value`, the form without `=`. A word alone ("--password prompt") is not one.
  {
    id: 'secret-flag',
    keyword: '--',
    pattern:
      /(?<=(?:^|\s)--(?:password|passwd|pass|token|api-key|secret)[ \t]+["']?)(?![-$<{%])(?=[^\s"']*[^A-Za-z\s"'])[^\s"']{4,1024}/giu,
  },
  {
    id: 'basic-credentials',
    keyword: 'authorization',
    pattern: /(?<=\bauthorization:[ \t]*basic[ \t]+)[A-Za-z0-9+/]{8,4096}={0,2}/giu,
  },
  {
    id: 'json-web-token',
    keyword: 'eyj',
    pattern: /\beyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8,4096}/gu,
  },
];

/** The words in a setting's name that say its value is a secret. */
const SECRET_WORD = `(?:${[
  'pass(?:word|wd|phrase)?',
  'pwd',
  'secret',
  'token',
  'api[_-]?key',
  'access[_-]?key',
  'auth[_-]?token',
  'client[_-]?secret',
  'private[_-]?key',
  'secret[_-]?key',
  'credentials?',
  'bearer',
].join('|')})`;

/**
 * Parts of a setting's name that say its value is a secret: `password`, `DB_PASSWORD`,
 * `apiKey`, `client-secret`. Matched on whole name parts, so "redundant" or "passage" do not
 * count. Words for a password also count run together with what comes before them
 * (`PGPASSWORD`).
 */
export const SECRET_NAME = new RegExp(
  String.raw`^(?:.*[_.\s-]|[a-z0-9]*(?=pass(?:word|wd|phrase)))?${SECRET_WORD}(?:[_.\s-].*)?$`,
  'iu',
);

/**
 * The same for a camel-case name split into its parts, where the secret word must end it:
 * `dbPassword` and `secretAccessKey` are secrets, `tokenHash` and `passwordLength` are not.
 */
export const SECRET_NAME_ENDING = new RegExp(
  String.raw`^(?:.*[_.\s-]|[a-z0-9]*(?=pass(?:word|wd|phrase)))?${SECRET_WORD}$`,
  'iu',
);

/** Where a name that may be such a setting's begins, anywhere in a text. */
export const SECRET_NAME_PART = new RegExp(String.raw`(?<![A-Za-z0-9])${SECRET_WORD}`, 'iu');

/** Lowercase words whose presence makes the assignment scan worth running. */
export const SECRET_NAME_HINTS = [
  'pass',
  'pwd',
  'secret',
  'token',
  'key',
  'credential',
  'bearer',
] as const;

/** A reference in code (`session.csrfToken`, `hashToken(token)`), not a value. */
export const CODE_REFERENCE_VALUE =
  /^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*(?:\([\w$.,\s]*\)?)?[)\]};:,]*$/u;

/** Values that stand for a secret rather than being one. */
export const PLACEHOLDER_VALUE =
  /^(?:your[_-].*|.*[_-]here|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[a-z0-9_]*%|\$[A-Z_][A-Z0-9_]*|x{3,}|\*{3,}|\.{3,}|example.*|changeme|placeholder|redacted|dummy|secret|password|null|none|true|false|undefined|process\.env\..*|os\.environ.*|env\(.*)$/iu;

export const UUID_VALUE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
export const GIT_HASH_VALUE = /^[0-9a-f]{7,40}$|^[0-9a-f]{64}$/u;
