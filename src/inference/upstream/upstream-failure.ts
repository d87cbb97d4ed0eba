import { MoatError, type ErrorCode } from '../../errors/index.js';

/**
 * The cause attached to every upstream error. It is built from error codes, class names and
 * HTTP statuses only, never from what the HTTP client or parser said: their messages can
 * quote the bytes they choked on (an HTTP parser error carries the raw data; a JSON syntax
 * error quotes the text), and those bytes are the upstream's answer.
 */
export class UpstreamFailure extends Error {
  override readonly name = 'UpstreamFailure';
}

/**
 * Which Moat code an error of the HTTP client or the socket becomes. A failed connect
 * (refused, unknown host, connect timeout) and a dropped connection both mean the upstream
 * could not be reached; only a missing first byte or a silent pause counts as a timeout.
 */
const FAILURE_CODES = {
  UND_ERR_HEADERS_TIMEOUT: 'upstream_timeout',
  UND_ERR_BODY_TIMEOUT: 'upstream_timeout',
  UND_ERR_CONNECT_TIMEOUT: 'upstream_unavailable',
  UND_ERR_SOCKET: 'upstream_unavailable',
  UND_ERR_CLOSED: 'upstream_unavailable',
  UND_ERR_DESTROYED: 'upstream_unavailable',
  ECONNREFUSED: 'upstream_unavailable',
  ECONNRESET: 'upstream_unavailable',
  ECONNABORTED: 'upstream_unavailable',
  EPIPE: 'upstream_unavailable',
  ENOTFOUND: 'upstream_unavailable',
  EAI_AGAIN: 'upstream_unavailable',
  EHOSTUNREACH: 'upstream_unavailable',
  ENETUNREACH: 'upstream_unavailable',
  ETIMEDOUT: 'upstream_unavailable',
  // The egress guard refused the connect: the policy, not the upstream, is the reason.
  egress_denied: 'egress_denied',
} as const satisfies Record<string, ErrorCode>;

const SAFE_WORD = /^[A-Za-z0-9_]{1,64}$/;

export interface FailureContext {
  signal: AbortSignal;
  /** The backend was closed: requests fail because Moat is stopping, not the upstream. */
  isClosed: boolean;
}

/** Turns anything thrown while talking to the upstream into a MoatError with a safe cause. */
export function toUpstreamError(thrown: unknown, context: FailureContext): MoatError {
  if (context.signal.aborted) {
    const cause = new UpstreamFailure('the caller aborted the upstream request');
    return new MoatError('client_closed_request', { cause });
  }
  if (thrown instanceof MoatError) return thrown;

  const errorCode = errorCodeOf(thrown);
  const cause = new UpstreamFailure(`upstream request failed: ${describe(thrown, errorCode)}`);
  if (context.isClosed) return new MoatError('shutting_down', { cause });

  const code =
    errorCode !== undefined && Object.hasOwn(FAILURE_CODES, errorCode)
      ? FAILURE_CODES[errorCode as keyof typeof FAILURE_CODES]
      : 'upstream_error';
  return new MoatError(code, { cause });
}

/** The upstream answered with a status other than 2xx; its body is never kept. */
export function upstreamStatusError(statusCode: number): MoatError {
  const cause = new UpstreamFailure(`upstream answered HTTP ${statusCode}`);
  return new MoatError('upstream_error', { cause });
}

/** The upstream reported a failure inside a stream it had begun; what it said is dropped. */
export function streamedErrorError(): MoatError {
  const cause = new UpstreamFailure('upstream reported an error inside the stream');
  return new MoatError('upstream_error', { cause });
}

/**
 * The upstream's answer could not be read. `problem` is Moat's own wording, with at most
 * field paths from Moat's schemas in it.
 */
export function malformedAnswerError(problem: string): MoatError {
  const cause = new UpstreamFailure(`upstream answer is malformed: ${problem}`);
  return new MoatError('upstream_error', { cause });
}

/**
 * The upstream's whole answer is larger than Moat will hold in memory. Only Moat's own limit
 * is named; none of the answer is kept.
 */
export function oversizeAnswerError(maxResponseBytes: number): MoatError {
  const cause = new UpstreamFailure(`upstream answer is larger than ${maxResponseBytes} bytes`);
  return new MoatError('upstream_error', { cause });
}

/** The code of a Node or undici error; happy-eyeballs connects wrap theirs in an aggregate. */
function errorCodeOf(thrown: unknown): string | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;

  const { code, errors } = thrown as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors)) return errorCodeOf(errors[0]);
  return undefined;
}

function describe(thrown: unknown, errorCode: string | undefined): string {
  const name = thrown instanceof Error ? thrown.name : typeof thrown;
  const safeName = SAFE_WORD.test(name) ? name : 'Error';
  return errorCode !== undefined && SAFE_WORD.test(errorCode)
    ? `${safeName} ${errorCode}`
    : safeName;
}
