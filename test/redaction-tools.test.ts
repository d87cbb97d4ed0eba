import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStream } from './support/chat-stream.js';
import { startOpenAiStandIn, type OpenAiStandIn } from './support/openai-stand-in.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * Redaction of tool exchanges, through a real Moat and the stand-in upstream. Offered tools,
 * the stand-in calls the first one with the last message as arguments (that message itself
 * when it is a JSON object), streamed in three-character pieces: what the upstream records is
 * what the model saw, and what the caller gets back shows what was restored.
 */

let moat: TestMoat;
let upstream: OpenAiStandIn;

const NAME = 'Dana Whitfield';
const EMAIL = 'dana.whitfield@example.org';
const PHONE = '+44 20 7946 0321';
const CARD = '4111 1111 1111 1111';
const CARD_DIGITS = '4111111111111111';
const PROTECTED = [NAME, EMAIL, PHONE, CARD, CARD_DIGITS, 'Whitfield', '7946'];

const MAIL_TOOL = {
  type: 'function',
  function: {
    name: 'send_mail',
    description: 'Sends an email for the user.',
    parameters: {
      type: 'object',
      properties: { to: { type: 'string' }, body: { type: 'string' } },
      required: ['to', 'body'],
    },
  },
};

beforeAll(async () => {
  upstream = await startOpenAiStandIn({ models: ['up'], echoPieceChars: 3 });
  moat = await startTestMoat({
    upstreams: [{ name: 'up', baseUrl: upstream.url }],
    config: { redaction: { timeoutMs: 120_000 } },
  });
});

afterAll(async () => {
  await moat.stop();
  await upstream.close();
});

async function post(
  body: object,
  token = moat.adminToken,
): Promise<{ status: number; json: ChatAnswer }> {
  const response = await request(`${moat.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, json: (await response.body.json()) as ChatAnswer };
}

interface WireCall {
  index?: number;
  id?: string;
  type?: string;
  function: { name?: string; arguments: string };
}

interface ChatAnswer {
  choices: {
    message: { content: string | null; tool_calls?: WireCall[] };
    finish_reason: string;
  }[];
}

interface ChunkBody {
  choices: { delta: { content?: string; tool_calls?: WireCall[] }; finish_reason: string | null }[];
}

interface UpstreamBody {
  tools?: unknown;
  messages: { role: string; content: string | null; tool_calls?: WireCall[] }[];
}

function upstreamBodiesSince(from: number): UpstreamBody[] {
  return upstream.received.slice(from).map((record) => record.body as UpstreamBody);
}

/** A conversation that called `send_mail` and got its result back. */
function replayedExchange(): object[] {
  const sentArguments = JSON.stringify({
    to: EMAIL,
    body: `Hi ${NAME}`,
    card: Number(CARD_DIGITS),
  });
  return [
    { role: 'user', content: 'Mail my colleague about the refund.' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'send_mail', arguments: sentArguments },
        },
      ],
    },
    {
      role: 'tool',
      tool_call_id: 'call_1',
      content: JSON.stringify({ status: 'sent', to: EMAIL, phone: PHONE, card: CARD }),
    },
  ];
}

describe('redaction of tool calls', () => {
  it('passes the tools on and restores the values in a whole call', async () => {
    const from = upstream.received.length;
    const prompt = `Mail ${EMAIL} that ${NAME} will call from ${PHONE}.`;
    const answer = await post({
      model: 'up',
      tools: [MAIL_TOOL],
      tool_choice: 'auto',
      messages: [{ role: 'user', content: prompt }],
    });

    expect(answer.status).toBe(200);
    const [seen] = upstreamBodiesSince(from);
    expect(seen?.tools).toEqual([MAIL_TOOL]);
    expect(seen?.messages[0]?.content).toBe(
      'Mail <EMAIL_1> that <PERSON_1> will call from <PHONE_1>.',
    );
    const choice = answer.json.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call).toMatchObject({ id: 'call_stand_in_1', type: 'function' });
    expect(call?.function.name).toBe('send_mail');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ text: prompt });
  });

  it('holds streamed arguments until they are whole, then sends them restored', async () => {
    const from = upstream.received.length;
    const prompt = `Mail ${EMAIL} that ${NAME} will call.`;
    const stream = await openChatStream(moat.url, {
      token: moat.adminToken,
      body: {
        model: 'up',
        stream: true,
        tools: [MAIL_TOOL],
        messages: [{ role: 'user', content: prompt }],
      },
    });

    const calls: WireCall[] = [];
    let finishReason: string | null = null;
    for await (const data of stream.events) {
      if (data === '[DONE]') break;
      const choice = (JSON.parse(data) as ChunkBody).choices[0];
      calls.push(...(choice?.delta.tool_calls ?? []));
      finishReason = choice?.finish_reason ?? finishReason;
    }

    expect(stream.status).toBe(200);
    expect(finishReason).toBe('tool_calls');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ index: 0, id: 'call_stand_in_1', type: 'function' });
    expect(JSON.parse(calls[0]?.function.arguments ?? '')).toEqual({ text: prompt });
    const seen = JSON.stringify(upstreamBodiesSince(from));
    for (const value of PROTECTED) expect(seen).not.toContain(value);
  });

  it('protects a replayed exchange: earlier arguments and tool results alike', async () => {
    const from = upstream.received.length;
    const answer = await post({ model: 'up', tools: [MAIL_TOOL], messages: replayedExchange() });

    expect(answer.status).toBe(200);
    const [seen] = upstreamBodiesSince(from);
    for (const value of PROTECTED) expect(JSON.stringify(seen)).not.toContain(value);

    // Both stay JSON: values are replaced inside their strings, and the card, sent as a
    // number, becomes a string marker.
    const sent = seen?.messages[1]?.tool_calls?.[0]?.function.arguments ?? '';
    expect(JSON.parse(sent)).toEqual({
      to: '<EMAIL_1>',
      body: 'Hi <PERSON_1>',
      card: '[REDACTED CARD]',
    });
    const result = seen?.messages[2];
    expect(result).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    expect(JSON.parse(result?.content ?? '')).toEqual({
      status: 'sent',
      to: '<EMAIL_1>',
      phone: '<PHONE_1>',
      card: '[REDACTED CARD]',
    });

    // The stand-in's call repeats the tool result; the caller gets the values back.
    const call = answer.json.choices[0]?.message.tool_calls?.[0];
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({
      status: 'sent',
      to: EMAIL,
      phone: PHONE,
      card: '[REDACTED CARD]',
    });
  });

  it('restores a value holding quotes and backslashes as valid JSON', async () => {
    const awkward = `"Dana" \\ Whitfield <${EMAIL}>`;
    const answer = await post({
      model: 'up',
      tools: [MAIL_TOOL],
      messages: [{ role: 'user', content: JSON.stringify({ to: EMAIL, note: awkward }) }],
    });

    const call = answer.json.choices[0]?.message.tool_calls?.[0];
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ to: EMAIL, note: awkward });
  });

  it('blocks a secret inside tool arguments before the upstream sees it', async () => {
    const from = upstream.received.length;
    const key = 'ghp_' + 'Zq7Lm2Xc9Vb4Nr8Tw1Ys6Kd3Hf5Jg0Pa2Qe8R';
    const exchange = replayedExchange();
    const withSecret = exchange.map((message, index) =>
      index === 2 ? { ...message, content: JSON.stringify({ token: key }) } : message,
    );
    const answer = await post({ model: 'up', tools: [MAIL_TOOL], messages: withSecret });

    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.json)).not.toContain(key);
    expect(upstream.received.length).toBe(from);
  });

  it('refuses to save a tool exchange to memory rather than save part of it', async () => {
    const from = upstream.received.length;
    const token = await moat.createKey('tool-memory', ['chat', 'memory']);
    const answer = await post(
      { model: 'up', store: true, tools: [MAIL_TOOL], messages: replayedExchange() },
      token,
    );

    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json)).toContain('"param":"store"');
    expect(upstream.received.length).toBe(from);
  });
});
