/**
 * Redaction quality and speed. Quality is measured on the labelled sentences in
 * ../shared/data/pii/, read in place; without that folder the quality part is skipped with
 * a message. The synthetic set is split in two: even-numbered sentences were used while
 * tuning the detectors, odd-numbered ones were not, and only the latter are the headline.
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
} from './redaction-quality.js';
import { measureThroughput } from './redaction-speed.js';

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
}

async function printQuality(redactor: Redactor): Promise<void> {
  const synthFile = join(DATA_FOLDER, 'presidio-synth-dev.json');
  if (!existsSync(synthFile)) {
    console.log(`  quality skipped: labelled data not found at ${DATA_FOLDER}`);
    return;
  }
  const synth = readJson(synthFile);
  const sets: [string, LabelledSentence[]][] = [
    ['held-out (odd sentences of synth-dev)', synth.filter((_, index) => index % 2 === 1)],
    [
      'generated-small (not tuned on)',
      readJson(join(DATA_FOLDER, 'presidio-generated-small.json')),
    ],
    ['tuning (even sentences of synth-dev)', synth.filter((_, index) => index % 2 === 0)],
  ];
  for (const [title, sentences] of sets) {
    printScores(title, sentences.length, await scoreSentences(redactor, sentences));
  }
}

function readJson(file: string): LabelledSentence[] {
  return JSON.parse(readFileSync(file, 'utf8')) as LabelledSentence[];
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`.padStart(7);

function printScores(title: string, count: number, scores: Map<string, ClassScore>): void {
  console.log(`\n  ${title}: ${count} sentences`);
  console.log(
    '  class'.padEnd(20) +
      'labelled'.padStart(9) +
      'precision'.padStart(10) +
      'recall'.padStart(8) +
      'F2'.padStart(8) +
      'leaked'.padStart(8),
  );
  const row = (name: string, picked: ClassScore[]): void => {
    const summary = summarise(picked);
    const labelled = picked.reduce((total, score) => total + score.labelled, 0);
    console.log(
      `  ${name.padEnd(18)}${String(labelled).padStart(9)}${percent(summary.precision).padStart(10)}` +
        `${percent(summary.recall).padStart(8)}${percent(summary.f2).padStart(8)}${percent(summary.leakRate).padStart(8)}`,
    );
  };
  for (const name of SCORED_CLASSES) row(name, [scores.get(name) as ClassScore]);
  row('all eight', [...scores.values()]);
  row(
    'validated six',
    VALIDATED_CLASSES.map((name) => scores.get(name) as ClassScore),
  );
  row(
    'names+addresses',
    ['PERSON', 'STREET_ADDRESS'].map((name) => scores.get(name) as ClassScore),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runRedactionBench();
