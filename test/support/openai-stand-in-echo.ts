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
  return Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-stand-in-echo',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
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
