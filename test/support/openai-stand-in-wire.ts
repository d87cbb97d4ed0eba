import type { IncomingMessage, ServerResponse } from 'node:http';

/** How a planned stream ends: cleanly, by going silent, or by dropping the connection. */
export type StreamEnding = 'end' | 'stall' | 'destroy';

export interface StreamPlan {
  chunks: readonly Buffer[];
  ending: StreamEnding;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/**
 * Writes the planned chunks one by one, `delayMs` apart, counting each in `onChunk`. Stops
 * as soon as the client goes away, as a real server's generation would.
 */
export function writeChunks(
  response: ServerResponse,
  plan: StreamPlan,
  options: { delayMs: number; onChunk: () => void },
): void {
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  response.once('close', () => {
    clearTimeout(timer);
  });

  const step = (): void => {
    if (response.destroyed) return;

    const chunk = plan.chunks[next];
    if (chunk === undefined) {
      endStream(response, plan.ending);
      return;
    }

    next += 1;
    options.onChunk();
    response.write(chunk);
    timer = setTimeout(step, options.delayMs);
  };
  timer = setTimeout(step, options.delayMs);
}

function endStream(response: ServerResponse, ending: StreamEnding): void {
  if (ending === 'end') response.end();
  else if (ending === 'destroy') response.socket?.destroy();
}

/** Starts a 200 JSON answer, sends only `part` of it, then stalls or drops the connection. */
export function sendPartialJson(
  response: ServerResponse,
  part: Buffer,
  ending: StreamEnding,
): void {
  response.writeHead(200, JSON_HEADERS);
  response.write(part);
  endStream(response, ending === 'end' ? 'stall' : ending);
}

export function sendJson(response: ServerResponse, status: number, bytes: Buffer): void {
  response.writeHead(status, { ...JSON_HEADERS, 'content-length': bytes.length });
  response.end(bytes);
}

export function sendError(response: ServerResponse, status: number, message: string): void {
  const error = { message, type: 'invalid_request_error', code: null };
  sendJson(response, status, Buffer.from(JSON.stringify({ error })));
}

/** Reads the request body and hands it on as a JSON object, or undefined when it is not one. */
export function readJsonBody(
  request: IncomingMessage,
  onBody: (body: Record<string, unknown> | undefined) => void,
): void {
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => parts.push(part));
  request.once('end', () => {
    const text = parts.length === 1 ? String(parts[0]) : Buffer.concat(parts).toString();
    onBody(parseObject(text));
  });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function modelListBody(models: readonly string[]): Buffer {
  const data = models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'stand-in' }));
  return Buffer.from(JSON.stringify({ object: 'list', data }));
}
