import type { z } from 'zod';

/** How a schema type reads in a sentence: "must be a number", "must be a list". */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping of keys',
  array: 'a list',
};

const COUNT_WORDS: Readonly<Record<string, string>> = {
  string: 'characters',
  array: 'entries',
};

/**
 * Words for every problem zod can find in a configuration, used in place of zod's own.
 * They say what is expected and never quote the value found: a value may be a secret
 * pasted into the wrong key.
 */
export function describeConfigIssue(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `is required (${typeWord(issue.expected)})`
        : `must be ${typeWord(issue.expected)}`;
    case 'too_small':
      return describeBound('at least', issue.origin, issue.minimum);
    case 'too_big':
      return describeBound('at most', issue.origin, issue.maximum);
    case 'invalid_format':
      return describeFormat(issue.format);
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_union':
      return describeUnion('options' in issue ? issue.options : undefined);
    case 'unrecognized_keys':
      return `unknown key(s) ${issue.keys.join(', ')}; remove them or check the spelling`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return 'is not valid';
  }
}

function describeFormat(format: string): string {
  if (format === 'url') return 'must be an http:// or https:// URL';
  return format === 'regex' ? 'is not in the expected form' : `must be a valid ${format}`;
}

/** A discriminated union names its accepted discriminator values; a plain union does not. */
function describeUnion(options: unknown): string {
  return Array.isArray(options)
    ? `must be one of: ${options.map(String).join(', ')}`
    : 'does not match any accepted form';
}

function typeWord(expected: string): string {
  return TYPE_WORDS[expected] ?? expected;
}

function describeBound(
  relation: 'at least' | 'at most',
  origin: string,
  limit: number | bigint,
): string {
  if (origin === 'string' && relation === 'at least' && Number(limit) === 1) {
    return 'must not be empty';
  }
  const unit = COUNT_WORDS[origin];
  return unit === undefined
    ? `must be ${relation} ${String(limit)}`
    : `must have ${relation} ${String(limit)} ${unit}`;
}
