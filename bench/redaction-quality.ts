import type { Detection, Redactor } from '../src/redaction/index.js';

/** One labelled sentence of the personal-data sets. */
export interface LabelledSentence {
  full_text: string;
  spans: {
    entity_type: string;
    entity_value: string;
    start_position: number;
    end_position: number;
  }[];
}

/** The classes the targets are set over; the small set calls street addresses ADDRESS. */
export const SCORED_CLASSES = [
  'PERSON',
  'STREET_ADDRESS',
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'IP_ADDRESS',
] as const;

export const VALIDATED_CLASSES: readonly string[] = SCORED_CLASSES.filter(
  (name) => name !== 'PERSON' && name !== 'STREET_ADDRESS',
);

const LABEL_ALIASES: Readonly<Record<string, string>> = { ADDRESS: 'STREET_ADDRESS' };

export interface ClassScore {
  truePositives: number;
  predicted: number;
  labelled: number;
  /** Labelled values still present verbatim in the redacted text. */
  leaked: number;
}

const MIN_OVERLAP = 0.5;

/**
 * Scores the redactor the field's usual way: a finding matches a labelled span of the same
 * class when their intersection over union is at least 0.5.
 */
export async function scoreSentences(
  redactor: Redactor,
  sentences: readonly LabelledSentence[],
): Promise<Map<string, ClassScore>> {
  const scores = new Map<string, ClassScore>(
    SCORED_CLASSES.map((name) => [
      name,
      { truePositives: 0, predicted: 0, labelled: 0, leaked: 0 },
    ]),
  );
  for (const sentence of sentences) {
    const found = await redactor.scan(sentence.full_text);
    const redacted = await maskAll(sentence.full_text, found);
    scoreOne(sentence, { found, redacted }, scores);
  }
  return scores;
}

function scoreOne(
  sentence: LabelledSentence,
  { found, redacted }: { found: readonly Detection[]; redacted: string },
  scores: Map<string, ClassScore>,
): void {
  const labels = sentence.spans
    .map((span) => ({ ...span, entity_type: LABEL_ALIASES[span.entity_type] ?? span.entity_type }))
    .filter((span) => scores.has(span.entity_type));
  for (const label of labels) {
    const score = scores.get(label.entity_type) as ClassScore;
    score.labelled++;
    if (redacted.includes(label.entity_value)) score.leaked++;
    const isFound = found.some(
      (finding) =>
        finding.className === label.entity_type &&
        overlap(finding, label.start_position, label.end_position) >= MIN_OVERLAP,
    );
    if (isFound) score.truePositives++;
  }
  for (const finding of found) {
    const score = scores.get(finding.className);
    if (score !== undefined) score.predicted++;
  }
}

function overlap(finding: Detection, start: number, end: number): number {
  const shared = Math.min(finding.end, end) - Math.max(finding.start, start);
  const union = Math.max(finding.end, end) - Math.min(finding.start, start);
  return shared <= 0 ? 0 : shared / union;
}

/** Every finding replaced, as a policy that protects every class would. */
async function maskAll(text: string, found: readonly Detection[]): Promise<string> {
  let result = '';
  let copiedUpTo = 0;
  for (const finding of found) {
    result += `${text.slice(copiedUpTo, finding.start)}[${finding.className}]`;
    copiedUpTo = finding.end;
  }
  return Promise.resolve(result + text.slice(copiedUpTo));
}

/** Precision, recall and F2 (recall weighs more: a miss is a leak) of summed counts. */
export function summarise(scores: readonly ClassScore[]): {
  precision: number;
  recall: number;
  f2: number;
  leakRate: number;
} {
  const sum = (pick: (score: ClassScore) => number) => scores.reduce((t, s) => t + pick(s), 0);
  const truePositives = sum((s) => s.truePositives);
  const precision =
    truePositives /
    Math.max(
      1,
      sum((s) => s.predicted),
    );
  const recall =
    truePositives /
    Math.max(
      1,
      sum((s) => s.labelled),
    );
  const f2 = precision + recall === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
  return {
    precision,
    recall,
    f2,
    leakRate:
      sum((s) => s.leaked) /
      Math.max(
        1,
        sum((s) => s.labelled),
      ),
  };
}
