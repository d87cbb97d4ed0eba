import { MoatError } from '../errors/index.js';
import type { Detection } from './detection.js';
import { maskFor } from './placeholders.js';
import { PseudonymMap } from './pseudonym-map.js';
import type { Direction, PolicyAction } from './redaction-classes.js';
import type { RedactionPolicy } from './redaction-policy.js';
import { StreamRestorer } from './stream-restorer.js';

/** What a session needs from the redactor that opened it. */
export interface Scanner {
  readonly policy: RedactionPolicy;
  readonly classNames: readonly string[];
  scan(text: string): Promise<Detection[]>;
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
  readonly #map = new PseudonymMap();
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
    const policy = this.#redactor.policy;
    if (this.allowsEverything(direction)) return [...texts];
    const findings: Detection[][] = [];
    for (const text of texts) findings.push(await this.#redactor.scan(text));

    const blocked = new Set<string>();
    for (const detection of findings.flat()) {
      if (policy.actionFor(detection.className, direction) !== 'block') continue;
      blocked.add(detection.className);
      this.#count(detection.className, direction, 'block');
    }
    if (blocked.size > 0) throw blockedError(blocked);

    return texts.map((text, index) => this.#replace(text, findings[index] ?? [], direction));
  }

  /** `text` with this request's placeholders put back, and nothing else done. */
  restore(text: string): string {
    return this.#map.restore(text);
  }

  /** Tool-call arguments (JSON text) with this request's placeholders put back, escaped. */
  restoreToolArguments(argumentsJson: string): string {
    return this.#map.restoreInJson(argumentsJson);
  }

  /** A restorer for a streamed answer; see `StreamRestorer`. */
  streamRestorer(): StreamRestorer {
    return new StreamRestorer(this.#map);
  }

  #replace(text: string, findings: readonly Detection[], direction: Direction): string {
    let result = '';
    let copiedUpTo = 0;
    for (const finding of findings) {
      const action = this.#actionFor(finding.className, direction);
      if (action === 'allow') continue;

      this.#count(finding.className, direction, action);
      const value = text.slice(finding.start, finding.end);
      result += text.slice(copiedUpTo, finding.start);
      result +=
        action === 'mask'
          ? maskFor(finding.className)
          : this.#map.placeholderFor(finding.className, value);
      copiedUpTo = finding.end;
    }
    return result + text.slice(copiedUpTo);
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

function blockedError(blocked: ReadonlySet<string>): MoatError {
  const names = [...blocked].sort();
  return new MoatError('content_blocked', {
    detail: `The content holds data that policy blocks: ${names.join(', ')}.`,
  });
}
