import { describeError } from './error-words.js';

/** An error answer from Moat, or a network failure (status 0), in plain words. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: string;
  readonly status: number;

  constructor(options: { code: string; status: number; message: string }) {
    super(describeError(options.code, options.status, options.message));
    this.code = options.code;
    this.status = options.status;
  }
}

/** The header that carries the session's CSRF token on every state-changing call. */
const CSRF_HEADER = 'x-moat-csrf';

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/**
 * Talks to Moat's own origin only, with the session cookie, never caching, never sending a
 * referrer. Paths are fixed strings in this bundle; no URL comes from user input.
 */
export class MoatApi {
  #csrfToken: string | undefined;

  /** Set after sign-in; cleared on sign-out. */
  setCsrfToken(token: string | undefined): void {
    this.#csrfToken = token;
  }

  async getJson<T>(path: string): Promise<T> {
    const response = await this.send(path, { method: 'GET' });
    return (await response.json()) as T;
  }

  async sendJson<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await this.send(path, { method, body });
    return (await response.json()) as T;
  }

  /** Sends a request and throws ApiError for anything but a 2xx answer. */
  async send(
    path: string,
    options: { method: string; body?: unknown; signal?: AbortSignal },
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.method !== 'GET' && this.#csrfToken !== undefined) {
      headers[CSRF_HEADER] = this.#csrfToken;
    }

    const response = await fetch(path, {
      method: options.method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }).catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError({ code: 'network', status: 0, message: 'network failure' });
    });

    if (!response.ok) throw await toApiError(response);
    return response;
  }
}

/** Reads Moat's error shape; anything else still becomes an ApiError with the status. */
export async function toApiError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as ErrorBody;
  return fromErrorBody(body, response.status);
}

export function fromErrorBody(body: ErrorBody, status: number): ApiError {
  const code = typeof body.error?.code === 'string' ? body.error.code : 'unknown';
  const message =
    typeof body.error?.message === 'string' ? body.error.message : `Moat answered ${status}.`;
  return new ApiError({ code, status, message });
}
