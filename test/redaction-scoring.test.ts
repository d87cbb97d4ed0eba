import { describe, expect, it } from 'vitest';
import { SCORED_CLASSES, summarise } from '../bench/redaction-quality.js';
import { emptyTokenCounts, scoreTokens, type TokenCounts } from '../bench/token-score.js';

/** The bench's token scoring, on sentences written for this test. */
function tokenScores(
  text: string,
  labels: { className: string; value: string }[],
  found: { className: string; value: string }[],
) {
  const at = ({ className, value }: { className: string; value: string }) => {
    const start = text.indexOf(value);
    return { className, start, end: start + value.length, confidence: 1 };
  };
  const perClass = new Map<string, TokenCounts>(
    SCORED_CLASSES.map((name) => [name, emptyTokenCounts()]),
  );
  const any = emptyTokenCounts();
  scoreTokens(text, { labels: labels.map(at), found: found.map(at) }, { perClass, any });
  return { perClass, any };
}

describe('token scoring', () => {
  it('counts an address the labels split in two as fully found by one finding', () => {
    const text = 'Ship it to 12 Quarry Lane, Elmford 30215 please.';
    const { perClass } = tokenScores(
      text,
      [
        { className: 'STREET_ADDRESS', value: '12 Quarry Lane' },
        { className: 'STREET_ADDRESS', value: 'Elmford 30215' },
      ],
      [{ className: 'STREET_ADDRESS', value: '12 Quarry Lane, Elmford 30215' }],
    );
    expect(perClass.get('STREET_ADDRESS')).toEqual({
      truePositives: 5,
      predicted: 5,
      labelled: 5,
    });
  });

  it('counts tokens of the wrong class as missed per class, found for any class', () => {
    const text = 'Ask Harlan Brooke Street about it.';
    const { perClass, any } = tokenScores(
      text,
      [{ className: 'PERSON', value: 'Harlan Brooke' }],
      [{ className: 'STREET_ADDRESS', value: 'Harlan Brooke Street' }],
    );
    expect(perClass.get('PERSON')).toEqual({ truePositives: 0, predicted: 0, labelled: 2 });
    expect(perClass.get('STREET_ADDRESS')).toEqual({
      truePositives: 0,
      predicted: 3,
      labelled: 0,
    });
    expect(any).toEqual({ truePositives: 2, predicted: 3, labelled: 2 });
  });

  it('ignores punctuation and labels of unscored classes', () => {
    const text = 'Mail ada.quill@example.org from Oslo.';
    const { perClass, any } = tokenScores(
      text,
      [
        { className: 'EMAIL_ADDRESS', value: 'ada.quill@example.org' },
        { className: 'GPE', value: 'Oslo' },
      ],
      [{ className: 'EMAIL_ADDRESS', value: 'ada.quill@example.org' }],
    );
    expect(perClass.get('EMAIL_ADDRESS')).toEqual({
      truePositives: 4,
      predicted: 4,
      labelled: 4,
    });
    expect(any).toEqual({ truePositives: 4, predicted: 4, labelled: 4 });
  });

  it('summarises counts as precision, recall and F2', () => {
    const summary = summarise([{ truePositives: 6, predicted: 8, labelled: 10 }]);
    expect(summary.precision).toBeCloseTo(0.75);
    expect(summary.recall).toBeCloseTo(0.6);
    expect(summary.f2).toBeCloseTo((5 * 0.75 * 0.6) / (4 * 0.75 + 0.6));
  });
});
