import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * How the session cookie is named and flagged. Over TLS it takes the `__Host-` prefix,
 * which makes the browser insist on Secure, Path=/ and no Domain, so no sibling host can
 * plant or read it.
 * @see https://www.rfc-editor.org/rfc/rfc6265bis#name-cookie-name-prefixes
 */
export class SessionCookie {
  readonly name: string;
  readonly #isSecure: boolean;

  constructor(options: { isSecure: boolean }) {
    this.#isSecure = options.isSecure;
    this.name = options.isSecure ? '__Host-moat_session' : 'moat_session';
  }

  /** The cookie's value in the request, when it carries exactly one such cookie. */
  read(request: FastifyRequest): string | undefined {
    const header = request.headers.cookie;
    if (header === undefined || header.length > 8192) return undefined;

    const values = header
      .split(';')
      .map((pair) => pair.trim())
      .filter((pair) => pair.startsWith(`${this.name}=`))
      .map((pair) => pair.slice(this.name.length + 1));
    return values.length === 1 ? values[0] : undefined;
  }

  set(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
    reply.header('set-cookie', this.#serialize(token, maxAgeSeconds));
  }

  clear(reply: FastifyReply): void {
    reply.header('set-cookie', this.#serialize('', 0));
  }

  #serialize(value: string, maxAgeSeconds: number): string {
    const flags = ['Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict'];
    if (this.#isSecure) flags.push('Secure');
    return [`${this.name}=${value}`, ...flags].join('; ');
  }
}
