import { entropyBitsPerChar } from '../checksums.js';
import type { Detection, Detector } from '../detection.js';
import {
  CODE_REFERENCE_VALUE,
  GIT_HASH_VALUE,
  PLACEHOLDER_VALUE,
  SECRET_NAME,
  SECRET_NAME_ENDING,
  SECRET_NAME_HINTS,
  SECRET_NAME_PART,
  SECRET_RULES,
  UUID_VALUE,
} from './secret-rules.js';
import { mayHoldSecretlintFinding, secretlintFindings } from './secretlint-scan.js';

/**
 * `name = value`, `name: value`, `"name": "value"`, `Name=value;` in connection strings, and
 * the forms code and markup give it: `env["NAME"] = value`, `define('NAME', value)`,
 * `<name>value</name>`. The name is checked against SECRET_NAME afterwards, so this pattern
 * stays simple and linear. A name starts where a word does: started inside every word of
 * prose, the pattern would read each word once for every letter in it.
 */
const ASSIGNMENT =
  /(?<![A-Za-z])([A-Za-z][A-Za-z0-9_.-]{0,60}(?: [A-Za-z][A-Za-z0-9_]{0,20})?)(?:["']?\]?[ \t]*(?::|=>|=)|>|["'][ \t]*,)[ \t]*(?:"([^"\r\n]{4,512})"|'([^'\r\n]{4,512})'|([^\s'";,<]{4,512}))/gu;

/** `=` or `:`; `>` ends an element's start tag, `,` parts a name from its value in a call. */
const ASSIGNMENT_SIGN = /[=:>,]/u;

/**
 * Secrets: Moat's own rules for keys and tokens, assignments to secret-sounding names, and
 * secretlint's recommended rule set on top. Placeholders, template variables, UUIDs and git
 * hashes are not secrets.
 */
export class SecretDetector implements Detector {
  readonly name = 'secret';
  readonly classNames = ['SECRET'] as const;

  /** At once, unless secretlint has something to look at: its lint run is asynchronous. */
  detect(text: string): Detection[] | Promise<Detection[]> {
    const lower = text.toLowerCase();
    const found = [...ruleFindings(text, lower), ...assignmentFindings(text, lower)];
    if (!mayHoldSecretlintFinding(text)) return found;
    return secretlintFindings(text).then((more) => [...found, ...more]);
  }
}

function ruleFindings(text: string, lower: string): Detection[] {
  const found: Detection[] = [];
  for (const rule of SECRET_RULES) {
    if (!lower.includes(rule.keyword)) continue;
    for (const match of text.matchAll(rule.pattern)) {
      if (entropyBitsPerChar(match[0]) < (rule.minEntropy ?? 0)) continue;
      found.push(secretAt(match.index, match[0].length));
    }
  }
  return found;
}

function assignmentFindings(text: string, lower: string): Detection[] {
  // Every assignment has its sign, and prose ("the lighthouse keeper") has no secret name.
  if (!ASSIGNMENT_SIGN.test(text)) return [];
  if (!SECRET_NAME_HINTS.some((hint) => lower.includes(hint))) return [];
  const found: Detection[] = [];
  const assignment = new RegExp(ASSIGNMENT);

  for (let match = assignment.exec(text); match !== null; match = assignment.exec(text)) {
    const name = match[1] ?? '';
    const value = match[2] ?? match[3] ?? match[4] ?? '';
    const valueStart = match.index + match[0].length - value.length - quoteLength(match);
    const isSecret = isSecretName(name);
    if (isSecret && looksLikeSecretValue(value) && isReadAsValue(text, match, value)) {
      found.push(secretAt(valueStart, value.length));
    } else if (!isSecret) {
      // The value of a setting that is no secret can hold one that is: a JSON string or a
      // quoted command line ("log": "… password=…"). It is read again from the first secret
      // name in it, so each restart moves on to a name that was not read as one before.
      const nested = nestedNameAt(value);
      if (nested >= 0) assignment.lastIndex = valueStart + nested;
    }
  }
  return found;
}

/**
 * Where to read on inside a value: at the first secret name in it when it holds an
 * assignment, or is a secret name itself (`$env:API_TOKEN = …` reads as `env` set to it).
 */
function nestedNameAt(value: string): number {
  if (!value.includes('=') && !value.includes(':') && !isSecretName(value)) return -1;
  return value.search(SECRET_NAME_PART);
}

/** `dbPassword` and `secretAccessKey` are read as `db_Password` and `secret_Access_Key`. */
function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || SECRET_NAME_ENDING.test(name.replace(CAMEL_CASE_BOUNDARY, '_'));
}

const CAMEL_CASE_BOUNDARY = /(?<=[a-z0-9])(?=[A-Z])/gu;

/**
 * A name and value parted by a comma are an assignment only as a call's first arguments
 * (`define('NAME', 'value')`), the value quoted; a list of words is none. A value without
 * digits that reads as code (`session.csrfToken`) is a reference, not a secret.
 */
function isReadAsValue(text: string, match: RegExpExecArray, value: string): boolean {
  if (!/\d/u.test(value) && CODE_REFERENCE_VALUE.test(value)) return false;
  const name = match[1] ?? '';
  const between = match[0].slice(name.length, match[0].length - value.length);
  if (!/^["'][ \t]*,/u.test(between)) return true;
  return (
    quoteLength(match) === 1 &&
    /\([ \t]*["']$/u.test(text.slice(Math.max(0, match.index - 8), match.index))
  );
}

function quoteLength(match: RegExpMatchArray): number {
  return match[2] !== undefined || match[3] !== undefined ? 1 : 0;
}

function looksLikeSecretValue(value: string): boolean {
  if (value.length < 6 || PLACEHOLDER_VALUE.test(value)) return false;
  if (UUID_VALUE.test(value) || GIT_HASH_VALUE.test(value)) return false;
  // Plain words ("password: required") are prose; a secret mixes kinds of characters.
  const kinds = [/[a-z]/u, /[A-Z]/u, /\d/u, /[^A-Za-z0-9]/u].filter((kind) => kind.test(value));
  return kinds.length >= 2 && entropyBitsPerChar(value) >= 2.3;
}

function secretAt(start: number, length: number): Detection {
  return { className: 'SECRET', start, end: start + length, confidence: 0.95 };
}
