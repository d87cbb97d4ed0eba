import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { MoatError } from '../errors/index.js';

/**
 * JSON bodies only, uncompressed. A `__proto__` or `constructor.prototype` key is refused
 * rather than dropped, so a body never means something other than what it says. The
 * parser's own messages quote the text around the fault, so its errors are replaced whole.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const refusal = checkEncoding(request.headers);
    if (refusal !== undefined) {
      done(refusal, undefined);
      return;
    }
    // Some clients label every request JSON; a DELETE or GET with nothing in it has no body.
    if ((body as Buffer).length === 0 && BODYLESS_METHODS.has(request.method)) {
      done(null, undefined);
      return;
    }
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(new MoatError('invalid_json', { detail: 'The request body is not valid UTF-8.' }));
      return;
    }
    try {
      done(null, secureJson.parse(text, null, POISON_OPTIONS));
    } catch (error) {
      done(toParseError(error), undefined);
    }
  });
}

const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** Compressed bodies and other charsets would be read as the wrong text, so they are refused. */
function checkEncoding(headers: IncomingHttpHeaders): MoatError | undefined {
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return new MoatError('unsupported_media_type', {
      detail: 'The request body must not be compressed (no Content-Encoding).',
    });
  }
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    return new MoatError('unsupported_media_type', {
      detail: 'The request body must be JSON in UTF-8 (charset=utf-8 or none).',
    });
  }
  return undefined;
}
/** Invalid bytes are refused, not replaced: a replaced byte would change what was sent. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const POISON_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

function toParseError(error: unknown): MoatError {
  // secure-json-parse throws a SyntaxError for poisoned keys too; tell the two apart.
  const isPoisoned = error instanceof SyntaxError && /prototype property/i.test(error.message);
  if (!isPoisoned) return new MoatError('invalid_json');
  return new MoatError('invalid_request', {
    detail: 'The request body has a __proto__ or constructor key, which Moat refuses.',
  });
}
