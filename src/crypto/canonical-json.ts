import { MoatError, formatFieldPath } from '../errors/index.js';

/** Deeper payloads are refused rather than risk the stack; receipts and checkpoints are flat. */
const MAX_DEPTH = 64;

/**
 * One exact text for a JSON value, so that a signature over it can be checked after the
 * value has been parsed and written out again by any JSON library: object keys sorted by
 * UTF-16 code units, no whitespace, strings and numbers as `JSON.stringify` writes them.
 *
 * Only plain JSON is accepted. `undefined`, functions, symbols, bigints, non-finite numbers,
 * holes in arrays, cycles and objects that are not plain (Date, Map, Buffer, class
 * instances) are refused with an error naming where they are, because `JSON.stringify`
 * would silently drop or reshape them and the signed text would differ from the value.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8785 (the same ordering and number rules)
 */
export function canonicalJson(value: unknown): string {
  return write(value, [], new Set());
}

function write(value: unknown, path: PropertyKey[], ancestors: Set<object>): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) refuse(path, 'is not a finite number');
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') refuse(path, `is of type ${typeof value}`);

  if (path.length >= MAX_DEPTH) refuse(path, `is nested deeper than ${MAX_DEPTH} levels`);
  if (ancestors.has(value)) refuse(path, 'refers back to itself');
  ancestors.add(value);
  const text = Array.isArray(value)
    ? writeArray(value, path, ancestors)
    : writeObject(value, path, ancestors);
  ancestors.delete(value);
  return text;
}

function writeArray(items: unknown[], path: PropertyKey[], ancestors: Set<object>): string {
  const parts: string[] = [];
  for (let index = 0; index < items.length; index++) {
    if (!(index in items)) refuse([...path, index], 'is a hole in the array');
    parts.push(write(items[index], [...path, index], ancestors));
  }
  return `[${parts.join(',')}]`;
}

function writeObject(value: object, path: PropertyKey[], ancestors: Set<object>): string {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) refuse(path, 'is not a plain object');
  if (Object.getOwnPropertySymbols(value).length > 0) refuse(path, 'has symbol keys');

  const record = value as Record<string, unknown>;
  const parts = Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${write(record[key], [...path, key], ancestors)}`);
  return `{${parts.join(',')}}`;
}

function refuse(path: readonly PropertyKey[], problem: string): never {
  const where = path.length === 0 ? 'the value' : formatFieldPath(path);
  throw new MoatError('internal_error', {
    detail: `Only plain JSON can be signed: ${where} ${problem}.`,
  });
}
