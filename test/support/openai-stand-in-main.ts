/**
 * Runs the OpenAI stand-in as its own process, so a benchmark can load it without sharing
 * an event loop with the gateway under test. Prints `{"url": "…/v1"}` as one line once it
 * listens, and stops on SIGTERM or SIGINT.
 *
 *   npx tsx test/support/openai-stand-in-main.ts --port 0 --tokens 16 --chunk-delay-ms 0
 */
import { parseArgs } from 'node:util';

import { startOpenAiStandIn } from './openai-stand-in.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    tokens: { type: 'string', default: '16' },
    'chunk-delay-ms': { type: 'string', default: '0' },
    model: { type: 'string', multiple: true, default: ['stand-in-model'] },
    record: { type: 'boolean', default: false },
  },
});

function toCount(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

const standIn = await startOpenAiStandIn({
  port: toCount('port', values.port),
  answerTokens: toCount('tokens', values.tokens),
  chunkDelayMs: toCount('chunk-delay-ms', values['chunk-delay-ms']),
  models: values.model,
  isRecording: values.record,
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void standIn.close().then(() => process.exit(0));
  });
}

console.log(JSON.stringify({ url: standIn.url, pid: process.pid }));
