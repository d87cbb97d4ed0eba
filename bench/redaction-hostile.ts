import type { Redactor } from '../src/redaction/index.js';
import { buildDocument } from './redaction-speed.js';

const MEBIBYTE = 1024 * 1024;

/**
 * Texts shaped to make detectors work hardest: every digit a candidate start, every word a
 * possible name, floods of the characters prefilters look for. A scan is synchronous, so the
 * slowest of these is how long one request of the default largest body can hold the event
 * loop.
 */
const HOSTILE_UNITS: readonly [string, string][] = [
  ['spaced single digits', '1 '],
  ['counting digits', '1 2 3 4 5 6 7 8 9 0 '],
  ['digits in brackets', '(1) '],
  ['dotted digits', '1.'],
  ['capitalised short words', 'Aa '],
  ['at signs', 'a@b '],
  ['zero-width spaces', '1\u200b'],
  ['assignments', 'key=Ab1:'],
  ['assignments inside a value', 'pwd='],
  ['setting names inside a value', 'passage='],
];

/**
 * Scans each hostile 1 MiB text whole and prints how long each took, against the ordinary
 * 1 MiB document scanned in the same run.
 */
export async function measureHostileTexts(redactor: Redactor): Promise<void> {
  console.log('\n  hostile 1 MiB texts, every detector on (time to scan whole)');
  const ordinary = buildDocument(MEBIBYTE);
  // Once untimed, so word lists are loaded and the code is warm before anything is timed.
  await redactor.scan(ordinary);
  const ordinaryMs = await timeScan(redactor, ordinary);
  console.log(`  ${'ordinary document'.padEnd(30)}${ordinaryMs.toFixed(0).padStart(6)} ms`);
  let slowest = { name: '', elapsedMs: 0 };
  for (const [name, unit] of HOSTILE_UNITS) {
    // Inside one quoted value, so a value's own assignments are read too.
    const text = `x="${unit.repeat(Math.ceil(MEBIBYTE / unit.length)).slice(0, MEBIBYTE - 4)}"`;
    const elapsedMs = await timeScan(redactor, text);
    if (elapsedMs > slowest.elapsedMs) slowest = { name, elapsedMs };
    console.log(`  ${name.padEnd(30)}${elapsedMs.toFixed(0).padStart(6)} ms`);
  }
  const ratio = slowest.elapsedMs / ordinaryMs;
  console.log(`  slowest: ${slowest.name}, ${ratio.toFixed(1)}× the ordinary document`);
}

async function timeScan(redactor: Redactor, text: string): Promise<number> {
  const startedMs = performance.now();
  await redactor.scan(text);
  return performance.now() - startedMs;
}
