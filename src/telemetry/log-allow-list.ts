/**
 * The only fields a log line may carry. Anything else handed to the logger is dropped
 * before it is written, so a careless call cannot put text, headers or keys into the log.
 */
export const LOG_FIELDS = [
  'requestId',
  'keyId',
  'userId',
  'method',
  'route',
  'model',
  'status',
  'errorCode',
  'isStream',
  'durationMs',
  'timeToFirstTokenMs',
  'promptTokens',
  'completionTokens',
  'url',
  'models',
  'errorName',
  'isCaptured',
  'breakGlassOpenGrants',
  'egressKind',
  'egressReason',
  'destination',
  'resolvedAddress',
  'port',
  'ruleIndex',
  'expires',
  'redactions',
] as const;

export type LogField = (typeof LOG_FIELDS)[number];

/**
 * The only messages a log line may carry: short event phrases chosen by Moat. A message is
 * the easiest place to slip text into a log, so it is a closed list like the fields.
 */
export const LOG_EVENTS = [
  'request',
  'listening',
  'stopped',
  'uncaught error',
  'egress denied',
  'egress rule expired',
  'master key file created',
  'retention sweep failed',
] as const;

export type LogEvent = (typeof LOG_EVENTS)[number];

/** Written instead of any message outside LOG_EVENTS; the call's allowed fields still go out. */
export const UNLISTED_EVENT = 'unlisted event';

const ALLOWED_FIELDS: ReadonlySet<string> = new Set(LOG_FIELDS);
const ALLOWED_EVENTS: ReadonlySet<string> = new Set(LOG_EVENTS);
const MAX_TEXT_LENGTH = 200;

/** The allowed fields of `fields` whose values are plain numbers, booleans or short text. */
export function keepAllowedFields(fields: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (ALLOWED_FIELDS.has(key) && isPlainValue(value)) kept[key] = value;
  }
  return kept;
}

/** The message itself when it is a listed event phrase, else the fixed unlisted phrase. */
export function toListedEvent(message: unknown): string {
  return typeof message === 'string' && ALLOWED_EVENTS.has(message) ? message : UNLISTED_EVENT;
}

/** True for `{…}` literals only: errors, arrays, requests and class instances are not. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Rewrites one serialised line from its level, time, allowed fields and listed message. It
 * runs last because pino adds a child logger's bindings and message prefix after every
 * formatter and hook has run, so only the finished line shows what is really written. The
 * line is always rebuilt, never passed on: a parsed line hides keys written twice.
 */
export function recheckLine(line: string): string {
  const parsed = parseLine(line);
  const parts: string[] = [];
  for (const key of ['level', 'time'] as const) {
    const value = parsed[key];
    if (typeof value === 'number') parts.push(`"${key}":${value}`);
  }

  for (const key of Object.keys(parsed)) {
    const value = parsed[key];
    if (ALLOWED_FIELDS.has(key) && isPlainValue(value)) {
      parts.push(`"${key}":${JSON.stringify(value)}`);
    }
  }

  parts.push(`"msg":${JSON.stringify(toListedEvent(parsed.msg))}`);
  return `{${parts.join(',')}}\n`;
}

function parseLine(line: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(line);
    return isPlainObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function isPlainValue(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'boolean') return true;
  if (typeof value === 'string') return value.length <= MAX_TEXT_LENGTH;
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
