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

export interface MoatLogger {
  logger: Logger;
  /** Writes out what is buffered and closes the destination. */
  close(): Promise<void>;
}

/**
 * Lines are buffered up to this size and written at least once a second: one write per
 * request costs a system call and a thread-pool hop on the request path.
 */
const BUFFER_BYTES = 4096;
const FLUSH_INTERVAL_MS = 1000;

export function createLogger(options: CreateLoggerOptions): MoatLogger {
  const destination = pino.destination({
    dest: options.file ?? 1,
    minLength: BUFFER_BYTES,
    sync: false,
    ...(options.file === undefined ? {} : { mkdir: true, append: true }),
  });
  const flushTimer = setInterval(() => {
    destination.flush();
  }, FLUSH_INTERVAL_MS);
  flushTimer.unref();

  const logger = pino(
    {
      level: options.level,
      base: null,
      messageKey: 'msg',
      // An error object passed to the logger is dropped with every other field outside the
      // allow-list: its message and stack can quote the content that caused it.
      formatters: { log: keepAllowedFields },
    },
    destination,
  );
  return { logger, close: () => closeDestination(destination, flushTimer) };
}

async function closeDestination(
  destination: ReturnType<typeof pino.destination>,
  flushTimer: NodeJS.Timeout,
): Promise<void> {
  clearInterval(flushTimer);
  await new Promise<void>((resolve) => {
    destination.once('close', () => {
      resolve();
    });
    destination.end();
  });
}

function keepAllowedFields(fields: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key in fields) {
    const value = fields[key];
    if (ALLOWED_FIELDS.has(key) && isPlainValue(value)) kept[key] = value;
  }
  return kept;
}

function isPlainValue(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'boolean') return true;
  if (typeof value === 'string') return value.length <= 200;
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
