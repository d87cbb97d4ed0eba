import type { Detection, Redactor } from '../src/redaction/index.js';
import { emptyTokenCounts, scoreTokens, type TokenCounts } from './token-score.js';

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

/** Every figure of one set: per span and per token, per class and over all classes. */
export interface SetScores {
  spans: Map<string, ClassScore>;
  tokens: Map<string, TokenCounts>;
  /** Tokens labelled and found as any scored class, whichever: Presidio's "PII" figure. */
  anyTokens: TokenCounts;
}

/**
 * Scores the redactor two ways. Per span, the field's usual way: a finding matches a
 * labelled span of the same class when their intersection over union is at least 0.5. Per
 * token, as Presidio's evaluator does: see `scoreTokens`.
 */
export async function scoreSentences(
  redactor: Redactor,
  sentences: readonly LabelledSentence[],
): Promise<SetScores> {
  const scores: SetScores = {
    spans: new Map(
      SCORED_CLASSES.map((name) => [
        name,
        { truePositives: 0, predicted: 0, labelled: 0, leaked: 0 },
      ]),
    ),
    tokens: new Map(SCORED_CLASSES.map((name) => [name, emptyTokenCounts()])),
    anyTokens: emptyTokenCounts(),
  };
  for (const sentence of sentences) {
    const found = await redactor.scan(sentence.full_text);
    const redacted = await maskAll(sentence.full_text, found);
    const labels = scoredLabels(sentence);
    scoreOne(labels, { found, redacted }, scores.spans);
    scoreTokens(
      sentence.full_text,
      { labels: labels.map(toClassSpan), found },
      { perClass: scores.tokens, any: scores.anyTokens },
    );
  }
  return scores;
}

type Label = LabelledSentence['spans'][number];

function scoredLabels(sentence: LabelledSentence): Label[] {
  return sentence.spans
    .map((span) => ({ ...span, entity_type: LABEL_ALIASES[span.entity_type] ?? span.entity_type }))
    .filter((span) => (SCORED_CLASSES as readonly string[]).includes(span.entity_type));
}

function toClassSpan(label: Label) {
  return { className: label.entity_type, start: label.start_position, end: label.end_position };
}

function scoreOne(
  labels: readonly Label[],
  { found, redacted }: { found: readonly Detection[]; redacted: string },
  scores: Map<string, ClassScore>,
): void {
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
export function summarise(scores: readonly (TokenCounts & { leaked?: number })[]): {
  precision: number;
  recall: number;
  f2: number;
  leakRate: number;
} {
  const sum = (pick: (score: TokenCounts & { leaked?: number }) => number) =>
    scores.reduce((total, score) => total + pick(score), 0);
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
      sum((s) => s.leaked ?? 0) /
      Math.max(
        1,
        sum((s) => s.labelled),
      ),
  };
}
