import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type LogFn, type Logger } from 'pino';
import { isPlainObject, keepAllowedFields, recheckLine, toListedEvent } from './log-allow-list.js';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  level: string;
  /** Append to this file; standard output when absent. */
  file?: string;
}

export interface MoatLogger {
  logger: Logger;
  /** Writes out what is buffered and closes the destination. */
  close(): Promise<void>;
  /** Writes out what is buffered before returning, for a process that is about to exit. */
  flushSync(): void;
}

/**
 * Lines are buffered up to this size and written at least once a second: one write per
 * request costs a system call and a thread-pool hop on the request path.
 */
const BUFFER_BYTES = 4096;
const FLUSH_INTERVAL_MS = 1000;

/**
 * The one logger. Every line holds only allow-listed fields and a listed event phrase
 * (see log-allow-list.ts), whatever the caller hands over, at every level.
 */
export function createLogger(options: CreateLoggerOptions): MoatLogger {
  const destination = pino.destination({
    dest: options.file === undefined ? 1 : openLogFile(options.file),
    minLength: BUFFER_BYTES,
    sync: false,
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
      formatters: { log: keepAllowedFields, bindings: keepAllowedFields },
      hooks: { logMethod: logListedEventOnly, streamWrite: recheckLine },
    },
    destination,
  );
  return {
    logger,
    close: () => closeDestination(destination, flushTimer),
    flushSync: () => {
      flushDestinationSync(destination);
    },
  };
}

/**
 * Hands pino exactly one plain fields object and one listed phrase. An Error (or any other
 * object) as the first argument is dropped, because pino would copy its message into the
 * line; extra arguments are dropped, because pino would format them into the message.
 */
function logListedEventOnly(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const [first, second] = args as unknown[];
  const fields = isPlainObject(first) ? first : {};
  const message = typeof first === 'string' ? first : second;

  method.call(this, fields, toListedEvent(message));
}

/**
 * Opened here, synchronously and owner-only: an asynchronous open leaves a window in which a
 * crash could not write its last line, and the default mode would follow the umask.
 */
function openLogFile(filePath: string): number {
  mkdirSync(dirname(filePath), { recursive: true, mode: 0o700 });
  return openSync(filePath, 'a', 0o600);
}

function flushDestinationSync(destination: ReturnType<typeof pino.destination>): void {
  try {
    destination.flushSync();
  } catch {
    // The file is not open yet or is gone; the process exits either way, and a failed
    // flush must not hide the reason it is exiting.
  }
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
