import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The only fields a log line may carry. Anything else handed to the logger is dropped
 * before it is written, so a careless call cannot put text, headers or keys into the log.
 */
export const LOG_FIELDS = [
  'requestId',
  'keyId',
  'method',
  'route',
  'model',
  'backend',
  'status',
  'errorCode',
  'durationMs',
  'timeToFirstTokenMs',
  'promptTokens',
  'completionTokens',
  'requestBytes',
  'responseBytes',
  'isStream',
  'url',
  'port',
  'host',
  'models',
  'threads',
  'modelFile',
  'loadMs',
  'signal',
  'errorName',
] as const;

const ALLOWED_FIELDS: ReadonlySet<string> = new Set(['level', 'time', 'msg', ...LOG_FIELDS]);

export interface CreateLoggerOptions {
  level: string;
  /** Append to this file; standard output when absent. */
  file?: string;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const destination =
    options.file === undefined
      ? pino.destination({ dest: 1, sync: false })
      : pino.destination({ dest: options.file, mkdir: true, append: true, sync: false });

  return pino(
    {
      level: options.level,
      base: null,
      messageKey: 'msg',
      formatters: { log: keepAllowedFields },
      // Errors are reduced to their code and class name; their messages and stacks can quote
      // the content that caused them.
      serializers: {},
    },
    destination,
  );
}

function keepAllowedFields(fields: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (ALLOWED_FIELDS.has(key) && isPlainValue(value)) kept[key] = value;
  }
  return kept;
}

function isPlainValue(value: unknown): boolean {
  const kind = typeof value;
  if (kind === 'number' || kind === 'boolean') return true;
  if (kind === 'string') return (value as string).length <= 200;
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
