import { ERROR_CODES, type ErrorCode } from './error-codes.js';
import { FRAMEWORK_CODES } from './framework-codes.js';

export interface MoatErrorOptions {
  /**
   * A public detail that replaces the code's stock message. It must be built only from
   * Moat's own words and from names Moat chose (field paths, model names from the catalog),
   * never from request content, keys or upstream bodies.
   */
  detail?: string;
  /** The parameter the error is about, as OpenAI's `error.param`. Field names only. */
  param?: string;
  cause?: unknown;
}

/** The one error class of Moat. Its message is always safe to show and to log. */
export class MoatError extends Error {
  readonly code: ErrorCode;
  readonly param: string | undefined;

  constructor(code: ErrorCode, options: MoatErrorOptions = {}) {
    super(options.detail ?? ERROR_CODES[code].message, { cause: options.cause });
    this.name = 'MoatError';
    this.code = code;
    this.param = options.param;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get isRetryable(): boolean {
    return ERROR_CODES[this.code].isRetryable;
  }
}

export function isMoatError(value: unknown): value is MoatError {
  return value instanceof MoatError;
}

/**
 * Turns anything thrown into a MoatError, keeping the original as `cause`. The original's
 * message is never copied: errors from parsers, engines and HTTP clients can quote the
 * content they choked on. Errors the HTTP framework raises are recognised by their code.
 */
export function toMoatError(thrown: unknown, fallback: ErrorCode = 'internal_error'): MoatError {
  if (thrown instanceof MoatError) return thrown;

  const frameworkCode = (thrown as { code?: unknown } | null | undefined)?.code;
  const mapped = typeof frameworkCode === 'string' ? FRAMEWORK_CODES[frameworkCode] : undefined;
  return new MoatError(mapped ?? fallback, { cause: thrown });
}

/** The body of an error answer in the OpenAI wire format. */
export function toErrorBody(error: MoatError): {
  error: { message: string; type: string; code: ErrorCode; param: string | null };
} {
  return {
    error: {
      message: error.message,
      type: ERROR_CODES[error.code].type,
      code: error.code,
      param: error.param ?? null,
    },
  };
}
