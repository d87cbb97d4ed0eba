import { MoatError } from '../errors/index.js';
import type { Detection } from './detection.js';
import { foldText } from './fold-text.js';
import {
  findingsBySpan,
  plainPiece,
  scanViewOf,
  type ProtectedText,
  type TextPiece,
} from './scan-view.js';
import { maskFor } from './placeholders.js';
import { PseudonymMap, type Pseudonym } from './pseudonym-map.js';
import type { Direction, PolicyAction } from './redaction-classes.js';
import type { RedactionPolicy } from './redaction-policy.js';
import { StreamRestorer } from './stream-restorer.js';

/** What a session needs from the redactor that opened it. */
export interface Scanner {
  readonly policy: RedactionPolicy;
  readonly classNames: readonly string[];
  scan(text: string, options: { direction: Direction }): Promise<Detection[]>;
}

/** How often one action was taken on one class in one direction. Never values. */
export interface RedactionTally {
  className: string;
  direction: Direction;
  action: PolicyAction;
  count: number;
}

export interface RedactionResult {
  /** The text with policy applied. */
  text: string;
  /** Findings acted on (masked, pseudonymized or blocked), by class. Never values. */
  counts: ReadonlyMap<string, number>;
}

/**
 * Policy for one request. Texts protected through one session share their placeholders, so
 * the answer can be restored with `restore` or, streamed, with `streamRestorer`.
 */
export class RedactionSession {
  readonly #redactor: Scanner;
  readonly #map = new PseudonymMap((pseudonym) => this.#revealToCaller(pseudonym));
  readonly #counts = new Map<string, number>();
  readonly #tallies = new Map<string, RedactionTally>();

  constructor(redactor: Scanner) {
    this.#redactor = redactor;
  }

  /** Counts of findings acted on so far in this request, by class. */
  get counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }

  /** What was done so far in this request, for metrics. */
  get tallies(): RedactionTally[] {
    return [...this.#tallies.values()];
  }

  /** True when policy lets every class through in `direction`: nothing to scan. */
  allowsEverything(direction: Direction): boolean {
    return this.#redactor.policy.allowsEverything(direction, this.#redactor.classNames);
  }

  /** A whole answer on its way back: caller policy applied, then placeholders restored. */
  async revealAnswer(text: string): Promise<string> {
    const shown = this.allowsEverything('caller')
      ? text
      : (await this.protect(text, 'caller')).text;
    return this.#map.restore(shown);
  }

  /**
   * A tool call's arguments on their way back: caller policy applied to the JSON's values,
   * then placeholders restored, escaped, so the arguments stay the JSON they were.
   */
  async revealToolArguments(argumentsJson: string): Promise<string> {
    const [shown = ''] = this.allowsEverything('caller')
      ? [argumentsJson]
      : await this.protectTexts([{ text: argumentsJson, isJson: true }], 'caller');
    return this.#map.restoreInJson(shown);
  }

  /** One text; see `protectAll`. */
  async protect(text: string, direction: Direction): Promise<RedactionResult> {
    const [protectedText = ''] = await this.protectAll([text], direction);
    return { text: protectedText, counts: this.#counts };
  }

  /**
   * Applies policy to several texts going the same way (a chat's messages, a batch of
   * embedding inputs). All are scanned before anything is replaced, so a block names every
   * blocked class at once; the error never carries a matched value.
   */
  async protectAll(texts: readonly string[], direction: Direction): Promise<string[]> {
    return this.protectTexts(
      texts.map((text) => ({ text, isJson: false })),
      direction,
    );
  }

  /**
   * The same, for texts of which some are JSON: see `scanViewOf` for how JSON is read and
   * written back. Each text is scanned once, whole.
   */
  async protectTexts(texts: readonly ProtectedText[], direction: Direction): Promise<string[]> {
    if (this.allowsEverything(direction)) return texts.map(({ text }) => text);
    const views = texts.map(scanViewOf);
    for (const view of views) this.#reserveNumbersIn(view.text);
    const findings: Detection[][][] = [];
    for (const view of views) {
      findings.push(findingsBySpan(view, await this.#redactor.scan(view.text, { direction })));
    }
    this.#refuseBlocked(findings.flat(2), direction);

    return views.map((view, textIndex) =>
      view.spans
        .map((span, spanIndex) => {
          const found = findings[textIndex]?.[spanIndex] ?? [];
          return found.length === 0
            ? span.piece.raw
            : span.piece.write(this.#replace(span.piece, found, direction));
        })
        .join(''),
    );
  }

  /**
   * Placeholder-shaped text is looked for as the detectors read it, and as a model reads it:
   * JSON escapes decoded (`\u003cEMAIL_1\u003e`), look-alikes folded (`＜EMAIL_1＞`).
   */
  #reserveNumbersIn(text: string): void {
    if (ANGLE_BRACKET.test(text)) this.#map.reserveNumbersIn(foldText(text).text);
  }

  #refuseBlocked(findings: readonly Detection[], direction: Direction): void {
    const blocked = new Set<string>();
    for (const detection of findings) {
      for (const className of classesOf(detection)) {
        if (this.#redactor.policy.actionFor(className, direction) !== 'block') continue;
        blocked.add(className);
        this.#count(className, direction, 'block');
      }
    }
    if (blocked.size > 0) throw blockedError(blocked);
  }

  /**
   * Protects the first `limit` characters of `text`, which follows `context` (the end of an
   * answer already sent): for a stream, whose text so far is `text` and whose next piece to
   * send is its first `limit` characters. Context, piece and the text after it are scanned
   * together, so a value is found whether the words that make it one came before the piece,
   * in it, or after it. The piece is never cut inside a finding: when one runs past
   * `limit`, the piece ends where it starts. Only the piece is changed and only its findings
   * are counted; a finding that began in the context is replaced from where the piece
   * begins. Returns the protected piece and how much of `text` it took.
   */
  async protectPrefix(
    { context, text, limit }: { context: string; text: string; limit: number },
    direction: Direction,
  ): Promise<{ text: string; taken: number }> {
    if (this.allowsEverything(direction)) return { text: text.slice(0, limit), taken: limit };
    const offset = context.length;
    const findings = (await this.#redactor.scan(context + text, { direction }))
      .filter((finding) => finding.end > offset)
      .map((finding) => ({
        ...finding,
        start: Math.max(0, finding.start - offset),
        end: finding.end - offset,
      }));
    let taken = limit;
    const across = findings.find((finding) => finding.start < taken && finding.end > taken);
    if (across !== undefined) taken = across.start;
    const inPiece = findings.filter((finding) => finding.end <= taken);
    this.#refuseBlocked(inPiece, direction);
    return { text: this.#replace(plainPiece(text.slice(0, taken)), inPiece, direction), taken };
  }

  /** `text` with this request's placeholders put back, and nothing else done. */
  restore(text: string): string {
    return this.#map.restore(text);
  }

  /** A restorer for a streamed answer; see `StreamRestorer`. */
  streamRestorer(): StreamRestorer {
    return new StreamRestorer(this.#map);
  }

  #replace(
    { text, quote }: TextPiece,
    findings: readonly Detection[],
    direction: Direction,
  ): string {
    let result = '';
    let copiedUpTo = 0;
    for (const finding of findings) {
      const value = text.slice(finding.start, finding.end);
      this.#map.noteFound(classesOf(finding), value);
      const { className, action } = this.#strictestFor(classesOf(finding), direction);
      if (action === 'allow') continue;

      this.#count(className, direction, action);
      result += text.slice(copiedUpTo, finding.start);
      result += quote(
        action === 'mask' ? maskFor(className) : this.#map.placeholderFor(className, value),
      );
      copiedUpTo = finding.end;
    }
    return result + text.slice(copiedUpTo);
  }

  /**
   * What the caller is shown for a placeholder in the answer: its value, unless caller policy
   * masks or blocks one of the classes it was found as. A value the caller sent is still a
   * value of its class on the way back, so `EMAIL_ADDRESS: { caller: mask }` masks it there
   * even when it went to the model as a placeholder.
   */
  #revealToCaller({ value, classes }: Pseudonym): string {
    const { className, action } = this.#strictestFor(classes, 'caller');
    if (action === 'allow') return value;
    this.#count(className, 'caller', action);
    if (action === 'block') throw blockedError(new Set([className]));
    return maskFor(className);
  }

  /**
   * The strictest action policy takes on any class of a finding, and the class it is taken
   * for: a card inside an email address is masked if either class says so. The finding's
   * own class, which comes first, wins a tie.
   */
  #strictestFor(
    classes: readonly string[],
    direction: Direction,
  ): { className: string; action: PolicyAction } {
    let strictest: { className: string; action: PolicyAction } | undefined;
    for (const className of classes) {
      const action = this.#actionFor(className, direction);
      if (strictest === undefined || STRICTNESS[action] > STRICTNESS[strictest.action]) {
        strictest = { className, action };
      }
    }
    return strictest ?? { className: '', action: 'allow' };
  }

  /**
   * On the way back to the caller a placeholder would be restored at once, so there
   * `pseudonymize` masks instead.
   */
  #actionFor(className: string, direction: Direction): PolicyAction {
    const action = this.#redactor.policy.actionFor(className, direction);
    return direction === 'caller' && action === 'pseudonymize' ? 'mask' : action;
  }

  #count(className: string, direction: Direction, action: PolicyAction): void {
    this.#counts.set(className, (this.#counts.get(className) ?? 0) + 1);
    const key = `${className}\u0000${direction}\u0000${action}`;
    const tally = this.#tallies.get(key) ?? { className, direction, action, count: 0 };
    tally.count++;
    this.#tallies.set(key, tally);
  }
}

/** `<` and the look-alikes folding turns into it. */
const ANGLE_BRACKET = /[<\ufe64\uff1c]/u;

const STRICTNESS: Record<PolicyAction, number> = { allow: 0, pseudonymize: 1, mask: 2, block: 3 };

function classesOf(detection: Detection): Pseudonym['classes'] {
  return [detection.className, ...(detection.mergedClasses ?? [])];
}

function blockedError(blocked: ReadonlySet<string>): MoatError {
  const names = [...blocked].sort();
  return new MoatError('content_blocked', {
    detail: `The content holds data that policy blocks: ${names.join(', ')}.`,
  });
}
