import type { Redactor } from '../src/redaction/index.js';

const SHORT_PROMPTS = [
  'Hi, can you summarise the attached ticket for me? The customer is upset about delays.',
  'My name is Maria Keller, call me on +44 20 7946 0321 or mail maria.keller@example.com.',
  'Please refund card 4111 1111 1111 1111 and confirm to the account DE89370400440532013000.',
  'Write a haiku about the sea at night, with one line about the lighthouse keeper.',
  'Server 10.0.12.7 rejected the login; the ssn on file is 512-44-3089 per the form.',
];

/**
 * Throughput in MB/s on short prompts and on a 1 MB document, patterns alone and with names.
 * Each figure is the fastest of several rounds: on a shared machine, other work only ever
 * slows a round down, so the fastest is the closest to what one free core does.
 */
export async function measureThroughput(redactors: { patterns: Redactor; full: Redactor }) {
  const document = buildDocument(1024 * 1024);
  console.log(
    '\n  throughput (one core, MB of UTF-8 text per second, fastest of 7 rounds; ' +
      'the document has data every 300 bytes; baseline: one email pattern, nothing else)',
  );
  const baseline = { scan: oneRegexPass };
  for (const [name, redactor] of Object.entries({ baseline, ...redactors })) {
    const short = await megabytesPerSecond(redactor, SHORT_PROMPTS, { rounds: 7, passes: 400 });
    const long = await megabytesPerSecond(redactor, [document], { rounds: 7, passes: 1 });
    const perPromptUs = Buffer.byteLength(SHORT_PROMPTS.join('')) / SHORT_PROMPTS.length / short;
    console.log(
      `  ${name.padEnd(10)} short prompts ${short.toFixed(1).padStart(6)} MB/s ` +
        `(${perPromptUs.toFixed(0)} µs each)   1 MB document ${long.toFixed(1).padStart(6)} MB/s`,
    );
  }
  for (const [name, redactor] of Object.entries(redactors)) await wholeTwoMegabytes(name, redactor);
}

/** Anything that scans text: a redactor, or the baseline. */
interface Scanner {
  scan(text: string): Promise<unknown>;
}

/**
 * The baseline, measured in the same run: one pass of one simple pattern over the text, the
 * least any scanner does. Its figure shows how fast this machine is at the moment, so the
 * detectors' figures can be read against it from run to run and machine to machine.
 */
const ONE_PATTERN = /[\w.+-]+@[\w-]+\.[\w.]+/gu;

async function oneRegexPass(text: string): Promise<unknown[]> {
  return Promise.resolve([...text.matchAll(ONE_PATTERN)]);
}

async function megabytesPerSecond(
  redactor: Scanner,
  texts: readonly string[],
  { rounds, passes }: { rounds: number; passes: number },
): Promise<number> {
  const bytes = texts.reduce((total, text) => total + Buffer.byteLength(text), 0) * passes;
  await redactor.scan(texts[0] ?? '');
  let fastestMs = Infinity;
  for (let round = 0; round < rounds; round++) {
    const startedMs = performance.now();
    for (let pass = 0; pass < passes; pass++) for (const text of texts) await redactor.scan(text);
    fastestMs = Math.min(fastestMs, performance.now() - startedMs);
  }
  return bytes / 1e6 / (fastestMs / 1000);
}

async function wholeTwoMegabytes(name: string, redactor: Redactor): Promise<void> {
  const text = `${buildDocument(2 * 1024 * 1024)} the key is sk-proj-Q9x2Lk8mW4vB7nR1tY6uP3s`;
  const startedMs = performance.now();
  const found = await redactor.scan(text);
  const elapsedMs = performance.now() - startedMs;
  const isTailFound = found.some((finding) => finding.end === text.length);
  console.log(
    `  ${name.padEnd(10)} 2 MB prompt: scanned whole in ${elapsedMs.toFixed(0)} ms, ` +
      `${found.length} findings, secret at the very end ${isTailFound ? 'found' : 'MISSED'}`,
  );
}

/** Mixed prose with some personal data, repeated to `bytes`. */
export function buildDocument(bytes: number): string {
  const paragraph =
    'The quarterly report covers shipping delays, supplier contracts and the new office. ' +
    'Contact John Smith at john.smith@example.com or 202-555-0147 about invoice 4471. ' +
    'The meeting moved to Thursday; bring the figures for the northern region and the ' +
    'draft budget. Payments go to GB82WEST12345698765432 as agreed last spring.\n';
  return paragraph.repeat(Math.ceil(bytes / paragraph.length)).slice(0, bytes);
}
