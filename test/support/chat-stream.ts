import { StringDecoder } from 'node:string_decoder';
import { request, type Dispatcher } from 'undici';

/** The parts of a streamed chat chunk that tests look at. */
export interface ChatStreamChunk {
  id: string;
  object: string;
  choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[];
}

export interface ChatStreamOptions {
  token: string;
  body: object;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
}

export interface OpenedChatStream {
  status: number;
  requestId: string;
  /** The data of each server-sent event as soon as the event is complete, `[DONE]` included. */
  events: AsyncGenerator<string, void, undefined>;
}

/** Posts a chat request and hands back its events one by one, as a client reading live would. */
export async function openChatStream(
  baseUrl: string,
  options: ChatStreamOptions,
): Promise<OpenedChatStream> {
  const response = await request(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(options.body),
    signal: options.signal ?? null,
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  });

  return {
    status: response.statusCode,
    requestId: String(response.headers['x-request-id']),
    events: eventData(response.body),
  };
}

async function* eventData(body: AsyncIterable<Buffer>): AsyncGenerator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  let pending = '';

  for await (const bytes of body) {
    pending += decoder.write(bytes);
    for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n')) {
      const event = pending.slice(0, end);
      pending = pending.slice(end + 2);
      for (const line of event.split('\n')) {
        if (line.startsWith('data: ')) yield line.slice('data: '.length);
      }
    }
  }
}
