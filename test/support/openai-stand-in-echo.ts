/**
 * Echo answers: the stand-in repeats the last message it was sent, cut into pieces of a fixed
 * size. Tests of redaction use them to see what the model saw and to make placeholders
 * arrive split across stream chunks.
 */

export function lastMessageText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const last: unknown = messages.at(-1);
  const content = (last as { content?: unknown } | undefined)?.content;
  return typeof content === 'string' ? content : '';
}

export function echoCompletion(model: string, text: string): Buffer {
  return completionBody(model, { role: 'assistant', content: text }, 'stop');
}

function completionBody(model: string, message: object, finishReason: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-stand-in-echo',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message, finish_reason: finishReason }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }),
  );
}

/** The SSE events of an echo: role chunk, one chunk per piece, finish chunk, `[DONE]`. */
export function echoStream(model: string, text: string, pieceChars: number): Buffer[] {
  const event = (choice: object): Buffer =>
    Buffer.from(
      `data: ${JSON.stringify({ id: 'chatcmpl-stand-in-echo', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, ...choice }] })}\n\n`,
    );
  const events = [event({ delta: { role: 'assistant', content: '' }, finish_reason: null })];
  for (let start = 0; start < text.length; start += pieceChars) {
    const piece = text.slice(start, start + pieceChars);
    events.push(event({ delta: { content: piece }, finish_reason: null }));
  }
  events.push(event({ delta: {}, finish_reason: 'stop' }), Buffer.from('data: [DONE]\n\n'));
  return events;
}

/**
 * Tool answers: when the request offers tools, the stand-in calls the first one. The call's
 * arguments are the last message if that is a JSON object, or `{"text": <last message>}`,
 * so a test decides what the model "wrote" into them.
 */
export function firstToolName(tools: unknown): string | undefined {
  if (!Array.isArray(tools)) return undefined;
  const first: unknown = tools[0];
  const name = (first as { function?: { name?: unknown } } | undefined)?.function?.name;
  return typeof name === 'string' ? name : undefined;
}

export function toolArgumentsFor(messages: unknown): string {
  const text = lastMessageText(messages);
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return text;
  } catch {
    // Not JSON: the text goes into an object of its own.
  }
  return JSON.stringify({ text });
}

const TOOL_CALL_ID = 'call_stand_in_1';

export function toolCallCompletion(model: string, name: string, argumentsJson: string): Buffer {
  const toolCall = {
    id: TOOL_CALL_ID,
    type: 'function',
    function: { name, arguments: argumentsJson },
  };
  const message = { role: 'assistant', content: null, tool_calls: [toolCall] };
  return completionBody(model, message, 'tool_calls');
}

/** A tool call streamed as servers send it: id and name first, the arguments in pieces. */
export function toolCallStream(
  model: string,
  call: { name: string; argumentsJson: string },
  pieceChars: number,
): Buffer[] {
  const event = (choice: object): Buffer =>
    Buffer.from(
      `data: ${JSON.stringify({ id: 'chatcmpl-stand-in-tool', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, ...choice }] })}\n\n`,
    );
  const first = {
    index: 0,
    id: TOOL_CALL_ID,
    type: 'function',
    function: { name: call.name, arguments: '' },
  };
  const events = [
    event({
      delta: { role: 'assistant', content: null, tool_calls: [first] },
      finish_reason: null,
    }),
  ];
  for (let start = 0; start < call.argumentsJson.length; start += pieceChars) {
    const piece = call.argumentsJson.slice(start, start + pieceChars);
    events.push(
      event({
        delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] },
        finish_reason: null,
      }),
    );
  }
  events.push(event({ delta: {}, finish_reason: 'tool_calls' }), Buffer.from('data: [DONE]\n\n'));
  return events;
}
