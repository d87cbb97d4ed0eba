import type { ServerResponse } from 'node:http';

import type { StreamAnswer } from './openai-stand-in-answers.js';
import { sendJson, sendPartialJson, type StreamPlan } from './openai-stand-in-wire.js';

/**
 * How the stand-in misbehaves, for failure tests. The `…-mid-stream` failures send
 * `chunksBeforeFailure` SSE chunks (or part of a JSON body) first; `error-mid-stream` then
 * sends an error chunk carrying `errorText`, and answers whole requests like `error-500`.
 */
export const STAND_IN_FAILURES = [
  'none',
  'error-500',
  'hang',
  'stall-mid-stream',
  'close-mid-stream',
  'error-mid-stream',
  'malformed-json',
  'wrong-shape',
] as const;
export type StandInFailure = (typeof STAND_IN_FAILURES)[number];

/** Sends a whole JSON answer, or spoils it as `failure` says. */
export function sendAnswerBody(
  response: ServerResponse,
  failure: StandInFailure,
  build: () => Buffer,
): void {
  switch (failure) {
    case 'malformed-json':
      sendJson(response, 200, Buffer.from('{"data": [ not json'));
      return;
    case 'wrong-shape':
      sendJson(response, 200, Buffer.from('{"choices": "none", "data": 1}'));
      return;
    case 'stall-mid-stream':
    case 'close-mid-stream': {
      const bytes = build();
      const ending = failure === 'stall-mid-stream' ? 'stall' : 'destroy';
      sendPartialJson(response, bytes.subarray(0, bytes.length >> 1), ending);
      return;
    }
    case 'none':
    case 'error-500':
    case 'error-mid-stream':
    case 'hang':
      sendJson(response, 200, build());
  }
}

/** The events of a streamed answer, cut short or spoiled as `failure` says. */
export function plannedStream(
  answer: StreamAnswer,
  behaviour: { failure: StandInFailure; chunksBeforeFailure: number; errorText: string },
): StreamPlan {
  const head = answer.chunks.slice(0, behaviour.chunksBeforeFailure);

  switch (behaviour.failure) {
    case 'stall-mid-stream':
      return { chunks: head, ending: 'stall' };
    case 'close-mid-stream':
      return { chunks: head, ending: 'destroy' };
    case 'error-mid-stream':
      return { chunks: [...head, errorEvent(behaviour.errorText)], ending: 'end' };
    case 'malformed-json':
      return { chunks: [...head, Buffer.from('data: {"choices": [\n\n')], ending: 'end' };
    case 'wrong-shape':
      return { chunks: [...head, Buffer.from('data: {"choices": 7}\n\n')], ending: 'end' };
    case 'none':
    case 'error-500':
    case 'hang':
      return { chunks: [...answer.chunks, answer.done], ending: 'end' };
  }
}

/** An error reported inside a stream, as llama.cpp server reports one. */
function errorEvent(message: string): Buffer {
  const error = { message, type: 'server_error', code: 500 };
  return Buffer.from(`data: ${JSON.stringify({ error })}\n\n`);
}
