import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the endless upstream sends: `json`, a 200 JSON answer that never closes its array;
 * `sse`, a 200 event stream with one event whose `data:` lines never end.
 */
export type EndlessBody = 'json' | 'sse';

export interface EndlessUpstream {
  /** Base URL ending in `/v1`; every POST under it gets the endless body. */
  readonly url: string;
  /** Body bytes written so far, over all requests. */
  readonly bytesSent: number;
  /** Resolves once a client has closed its connection before the body ended. */
  readonly clientLeft: Promise<void>;
  close(): Promise<void>;
}

const PIECE_BYTES = 64 * 1024;

/**
 * Starts, on 127.0.0.1, an OpenAI-style upstream whose answers never end, for tests of how
 * much of an answer a client holds. It writes only as fast as the client reads, and stops
 * after `safetyLimitBytes` so that a client with no limit of its own still ends the test.
 */
export async function startEndlessUpstream(
  body: EndlessBody,
  safetyLimitBytes = 256 * 1024 * 1024,
): Promise<EndlessUpstream> {
  let bytesSent = 0;
  let onClientLeft: () => void = () => undefined;
  const clientLeft = new Promise<void>((resolve) => {
    onClientLeft = resolve;
  });

  const server = createServer((request, response) => {
    request.resume();
    response.once('close', () => {
      if (!response.writableFinished) onClientLeft();
    });
    writeEndlessly(response, body, (pieceBytes) => {
      bytesSent += pieceBytes;
      return bytesSent < safetyLimitBytes;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    get bytesSent() {
      return bytesSent;
    },
    clientLeft,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Writes pieces while the client keeps reading; `onPiece` says whether to go on. */
function writeEndlessly(
  response: ServerResponse,
  body: EndlessBody,
  onPiece: (pieceBytes: number) => boolean,
): void {
  const contentType = body === 'json' ? 'application/json' : 'text/event-stream';
  response.writeHead(200, { 'content-type': contentType });
  const piece = pieceOf(body);
  if (body === 'json') response.write('{"data": [');

  const writeMore = (): void => {
    while (!response.destroyed) {
      if (!onPiece(piece.length)) {
        response.end();
        return;
      }
      if (!response.write(piece)) {
        response.once('drain', writeMore);
        return;
      }
    }
  };
  writeMore();
}

function pieceOf(body: EndlessBody): Buffer {
  if (body === 'sse') return Buffer.from(`data: ${'x'.repeat(PIECE_BYTES - 7)}\n`);
  return Buffer.from('0,'.repeat(PIECE_BYTES / 2));
}
