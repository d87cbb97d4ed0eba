import type { Readable } from 'node:stream';

import { oversizeAnswerError } from './upstream-failure.js';

/**
 * Decodes as `fetch` does: invalid bytes become U+FFFD and a leading byte-order mark is
 * dropped.
 */
const UTF8 = new TextDecoder('utf-8');

/**
 * Reads a whole answer body as UTF-8 text, holding no more than `maxBytes` of it. A body that
 * announces or delivers more is destroyed at once, which closes the connection and stops the
 * upstream sending; the overrun becomes `upstream_error`.
 *
 * @param declaredBytes the answer's `Content-Length`, when it has one
 */
export async function readCappedText(
  body: Readable,
  declaredBytes: number | undefined,
  maxBytes: number,
): Promise<string> {
  if (declaredBytes !== undefined && declaredBytes > maxBytes) {
    discard(body);
    throw oversizeAnswerError(maxBytes);
  }

  const parts: Buffer[] = [];
  let totalBytes = 0;
  for await (const part of body as AsyncIterable<Buffer>) {
    totalBytes += part.length;
    if (totalBytes > maxBytes) {
      discard(body);
      throw oversizeAnswerError(maxBytes);
    }
    parts.push(part);
  }

  return UTF8.decode(Buffer.concat(parts, totalBytes));
}

/** Closes the connection. The HTTP client reports the destruction as an error nobody needs. */
function discard(body: Readable): void {
  body.on('error', ignore);
  body.destroy();
}

function ignore(): void {
  // The answer was refused already; how its connection ends changes nothing.
}

/** The length a `Content-Length` header announces; undefined when absent or not a number. */
export function declaredLength(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header)) return undefined;
  return Number(header);
}
