/**
 * Redaction quality and speed. Quality is measured on the labelled sentences in
 * ../shared/data/pii/, read in place; without that folder the quality part is skipped with
 * a message. Both labelled files are split by position: their even-numbered sentences may be
 * looked at while tuning the detectors, their odd-numbered ones are held out and only ever
 * seen as the figures printed here. The held-out sets, alone and together, are the headline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../src/config/index.js';
import { createRedactor, type Redactor } from '../src/redaction/index.js';
import {
  SCORED_CLASSES,
  scoreSentences,
  summarise,
  VALIDATED_CLASSES,
  type ClassScore,
  type LabelledSentence,
  type SetScores,
} from './redaction-quality.js';
import type { TokenCounts } from './token-score.js';
import { measureThroughput } from './redaction-speed.js';
import { measureHostileTexts } from './redaction-hostile.js';

/** Beside the checkout, as in CI; MOAT_PII_DATA names another folder (a git worktree's). */
const DATA_FOLDER =
  process.env.MOAT_PII_DATA ?? fileURLToPath(new URL('../../shared/data/pii/', import.meta.url));

export async function runRedactionBench(): Promise<void> {
  const settings = configSchema.parse({}).redaction;
  const full = await createRedactor(settings);
  console.log('\nredaction');
  await printQuality(full);
  await measureThroughput({
    patterns: await createRedactor({ ...settings, detectNames: false }),
    full,
  });
  await measureHostileTexts(full);
}

async function printQuality(redactor: Redactor): Promise<void> {
  const synthFile = join(DATA_FOLDER, 'presidio-synth-dev.json');
  if (!existsSync(synthFile)) {
    console.log(`  quality skipped: labelled data not found at ${DATA_FOLDER}`);
    return;
  }
  const synth = readJson(synthFile);
  const generated = readJson(join(DATA_FOLDER, 'presidio-generated-small.json'));
  const sets: [string, LabelledSentence[]][] = [
    ['held-out: synth-dev, odd sentences', oddOf(synth)],
    ['held-out: generated-small, odd sentences', oddOf(generated)],
    ['held-out: both files, odd sentences', [...oddOf(synth), ...oddOf(generated)]],
    ['tuning: synth-dev, even sentences', evenOf(synth)],
    ['tuning: generated-small, even sentences', evenOf(generated)],
    ['every sentence of both files (half of them tuned on: not blind)', [...synth, ...generated]],
  ];
  for (const [title, sentences] of sets) {
    printScores(title, sentences.length, await scoreSentences(redactor, sentences));
  }
}

const oddOf = <T>(items: readonly T[]): T[] => items.filter((_, index) => index % 2 === 1);
const evenOf = <T>(items: readonly T[]): T[] => items.filter((_, index) => index % 2 === 0);

function readJson(file: string): LabelledSentence[] {
  return JSON.parse(readFileSync(file, 'utf8')) as LabelledSentence[];
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`.padStart(7);

const GROUPS: readonly [string, readonly string[]][] = [
  ...SCORED_CLASSES.map((name): [string, string[]] => [name, [name]]),
  ['all eight', SCORED_CLASSES],
  ['validated six', VALIDATED_CLASSES],
  ['names+addresses', ['PERSON', 'STREET_ADDRESS']],
];

function printScores(title: string, count: number, scores: SetScores): void {
  console.log(`\n  ${title}: ${count} sentences`);
  console.log(
    `  ${''.padEnd(26)}${'per span (IoU >= 0.5)'.padStart(30)}${'per token'.padStart(30)}`,
  );
  console.log(
    '  class'.padEnd(20) +
      'labelled' +
      ['precision', 'recall', 'F2', 'precision', 'recall', 'F2', 'leaked']
        .map((heading) => heading.padStart(10))
        .join(''),
  );
  for (const [name, classes] of GROUPS) {
    const spans = classes.map((className) => scores.spans.get(className) as ClassScore);
    const tokens = classes.map((className) => scores.tokens.get(className) as TokenCounts);
    printRow(name, spans, tokens);
  }
  const any = summarise([scores.anyTokens]);
  console.log(
    `  ${'any of the eight, per token (class not compared)'.padEnd(56)}` +
      [any.precision, any.recall, any.f2].map((figure) => percent(figure).padStart(10)).join(''),
  );
}

function printRow(name: string, spans: ClassScore[], tokens: TokenCounts[]): void {
  const bySpan = summarise(spans);
  const byToken = summarise(tokens);
  const labelled = spans.reduce((total, score) => total + score.labelled, 0);
  const figures = [
    bySpan.precision,
    bySpan.recall,
    bySpan.f2,
    byToken.precision,
    byToken.recall,
    byToken.f2,
    bySpan.leakRate,
  ];
  const columns = figures.map((figure) => percent(figure).padStart(10)).join('');
  console.log(`  ${name.padEnd(18)}${String(labelled).padStart(8)}${columns}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runRedactionBench();
