import { fromErrorBody } from './api-client.js';

interface ChunkBody {
  choices?: { delta?: { content?: unknown } }[];
  error?: { code?: unknown; message?: unknown };
}

/**
 * The text pieces of a streamed chat answer, read from Server-Sent Events as they arrive.
 * An error event after the stream began is thrown as an ApiError.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export async function* readChatStream(response: Response): AsyncGenerator<string> {
  if (response.body === null) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';

  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;

      const events = buffered.split(/\r?\n\r?\n/);
      buffered = events.pop() ?? '';
      for (const event of events) {
        const data = dataOf(event);
        if (data === '[DONE]') return;
        if (data !== undefined) yield* piecesOf(data, response.status);
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function dataOf(event: string): string | undefined {
  const lines = event.split(/\r?\n/).filter((line) => line.startsWith('data:'));
  if (lines.length === 0) return undefined;
  return lines.map((line) => line.slice(5).replace(/^ /, '')).join('\n');
}

function* piecesOf(data: string, status: number): Generator<string> {
  const chunk = JSON.parse(data) as ChunkBody;
  if (chunk.error !== undefined) throw fromErrorBody(chunk, status);

  const content = chunk.choices?.[0]?.delta?.content;
  if (typeof content === 'string' && content !== '') yield content;
}
