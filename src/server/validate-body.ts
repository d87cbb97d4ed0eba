import type { z } from 'zod';
import { MoatError, formatFieldPath } from '../errors/index.js';

/**
 * Parses an untrusted body with `schema`. The error names the field and what was expected,
 * in Moat's own words: validators' messages may quote the value, and values are content.
 */
export function validateBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  supportedFields: readonly string[],
): z.output<Schema> {
  return validateInput(schema, { body, supportedFields, whole: 'The request body' });
}

/** As `validateBody`, for a query string's parameters. */
export function validateQuery<Schema extends z.ZodType>(
  schema: Schema,
  query: unknown,
  supportedFields: readonly string[],
): z.output<Schema> {
  return validateInput(schema, { body: query, supportedFields, whole: 'The query string' });
}

function validateInput<Schema extends z.ZodType>(
  schema: Schema,
  context: IssueContext,
): z.output<Schema> {
  const result = schema.safeParse(context.body);
  if (result.success) return result.data;

  const issue = result.error.issues[0];
  if (issue === undefined) throw new MoatError('invalid_request');
  throw describeIssue(issue, context);
}

/** The error for a field Moat knows of but does not implement; it names only the field. */
export function unsupportedFieldError(field: string): MoatError {
  return new MoatError('unsupported_field', {
    detail: `Field ${field} is not supported by Moat; remove it from the request.`,
    param: field,
  });
}

interface IssueContext {
  body: unknown;
  supportedFields: readonly string[];
  /** How errors name the input as a whole. */
  whole: 'The request body' | 'The query string';
}

function describeIssue(issue: z.core.$ZodIssue, context: IssueContext): MoatError {
  const { supportedFields } = context;
  const param = formatFieldPath(issue.path);

  if (issue.code === 'unrecognized_keys') {
    // The unknown key itself is not repeated: a key is as much the caller's text as a value.
    const where = param === '' ? context.whole : `The object at ${param}`;
    const fields = param === '' ? ` Supported fields: ${supportedFields.join(', ')}.` : '';
    return new MoatError('unsupported_field', {
      detail: `${where} has a field that Moat does not recognise.${fields}`,
      ...(param === '' ? {} : { param }),
    });
  }

  const subject = param === '' ? context.whole : `Field ${param}`;
  return new MoatError('invalid_request', {
    detail: `${subject} ${expectationFor(issue, hasPath(context.body, issue.path))}.`,
    ...(param === '' ? {} : { param }),
  });
}

function expectationFor(issue: z.core.$ZodIssue, isPresent: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      return isPresent ? `must be ${article(issue.expected)}` : 'is required';
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${unitOf(issue.origin, issue.maximum)}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${unitOf(issue.origin, issue.minimum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_union':
      return 'has a shape that is not accepted here';
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_format':
    case 'invalid_key':
    case 'invalid_element':
    case 'unrecognized_keys':
    case 'custom':
      return issue.message.length <= 120 && issue.code === 'custom'
        ? issue.message
        : 'is not valid';
  }
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function unitOf(origin: string, count: unknown): string {
  const isOne = Number(count) === 1;
  if (origin === 'string') return isOne ? ' character' : ' characters';
  if (origin === 'array') return isOne ? ' item' : ' items';
  return '';
}

/** Whether the body has something at `path`; values are looked at only to walk, never kept. */
function hasPath(body: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = body;
  for (const part of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return false;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node !== undefined;
}
