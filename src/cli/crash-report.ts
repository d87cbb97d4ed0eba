import type { CliOutput } from './cli-support.js';

/** What may be said about an error nothing caught: its class name and a code, if safe. */
export interface CrashDescription {
  /** The class name, e.g. `TypeError`; for a thrown non-object, its type, e.g. `string`. */
  errorName: string;
  /** A code such as `ERR_INVALID_ARG_TYPE`, when it is a plain identifier. */
  errorCode: string | undefined;
  /** The line for standard error. */
  text: string;
}

const SAFE_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;
const SAFE_CODE = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Describes an error by its class name and code only. Its message and stack are left out:
 * an error from a parser, the engine or an HTTP client can quote the prompt it failed on.
 */
export function describeCrash(thrown: unknown): CrashDescription {
  const errorName = nameOf(thrown);
  const code = typeof thrown === 'object' && thrown !== null ? readCode(thrown) : undefined;
  const errorCode = typeof code === 'string' && SAFE_CODE.test(code) ? code : undefined;

  const codeText = errorCode === undefined ? '' : ` (code ${errorCode})`;
  const text =
    `moat: stopping after an uncaught ${errorName}${codeText}; its message and stack are ` +
    'not shown, as they may quote request content';
  return { errorName, errorCode, text };
}

export interface CrashHandlerParts {
  output: CliOutput;
  /** The running gateway, whose log records the crash; undefined while it is starting. */
  moat: { recordCrash(errorName: string): void } | undefined;
  exit: (code: number) => void;
}

/**
 * What to do with an error nothing caught: say what it was, log it, and exit 1. Moat does
 * not try to go on or to close cleanly, because its state is unknown after such an error.
 */
export function handleCrash(thrown: unknown, parts: CrashHandlerParts): void {
  const { errorName, text } = describeCrash(thrown);
  try {
    parts.output.printError(text);
    parts.moat?.recordCrash(errorName);
  } finally {
    parts.exit(1);
  }
}

/**
 * Routes uncaught exceptions and unhandled rejections to `onCrash` instead of Node.js's
 * default, which prints the message and stack to standard error. Returns the uninstaller.
 */
export function installCrashHandlers(onCrash: (thrown: unknown) => void): () => void {
  const onException = (error: Error): void => {
    onCrash(error);
  };
  const onRejection = (reason: unknown): void => {
    onCrash(reason);
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);

  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

function nameOf(thrown: unknown): string {
  if (thrown === null) return 'null';
  if (typeof thrown !== 'object' && typeof thrown !== 'function') return typeof thrown;

  const name = readConstructorName(thrown);
  return name !== undefined && SAFE_NAME.test(name) ? name : 'object';
}

/** Reading a property can run a getter or a proxy trap, which can throw in turn. */
function readConstructorName(thrown: object): string | undefined {
  try {
    const prototype: unknown = Object.getPrototypeOf(thrown);
    const constructor: unknown = (prototype as { constructor?: unknown } | null)?.constructor;
    return typeof constructor === 'function' ? constructor.name : undefined;
  } catch {
    return undefined;
  }
}

function readCode(thrown: object): unknown {
  try {
    return (thrown as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}
