import { labelFor, PLACEHOLDER_PATTERN } from './placeholders.js';

const MAX_RESERVED_NUMBER = 900_000;

/** A value behind a placeholder, and every class it was found as. */
export interface Pseudonym {
  value: string;
  /** The class that names its placeholder first, then every other it was found as. */
  classes: readonly [string, ...string[]];
}

/**
 * One request's placeholders and the values behind them. It lives in memory for one request
 * only and is never logged or stored. The same value gets the same placeholder every time
 * within the request, so the model can tell that two mentions are one person. What a
 * placeholder is restored to is up to `reveal`: the value, or what caller policy shows in
 * its place.
 */
export class PseudonymMap {
  readonly #placeholderByValue = new Map<string, string>();
  readonly #namedByPlaceholder = new Map<string, { value: string; className: string }>();
  readonly #countByLabel = new Map<string, number>();
  readonly #classesByValue = new Map<string, Set<string>>();
  readonly #reveal: (pseudonym: Pseudonym) => string;

  constructor(reveal: (pseudonym: Pseudonym) => string = (pseudonym) => pseudonym.value) {
    this.#reveal = reveal;
  }

  /**
   * Records that `value` was found as `classes`, whatever policy did with it there. Every
   * class a value is found as anywhere in the request counts for each of its placeholders: a
   * number that a context word makes an operator's class in one message is that class in all
   * of them, so what is shown in its place never depends on which mention the model repeats.
   */
  noteFound(classes: readonly string[], value: string): void {
    const found = this.#classesByValue.get(value) ?? new Set<string>();
    for (const className of classes) found.add(className);
    this.#classesByValue.set(value, found);
  }

  /**
   * The placeholder for `value` as a `className`, which names it, made on first use. The
   * other classes the value was found as are noted with `noteFound`.
   */
  placeholderFor(className: string, value: string): string {
    const key = `${className}\u0000${value}`;
    const known = this.#placeholderByValue.get(key);
    if (known !== undefined) return known;

    const label = labelFor(className);
    const number = (this.#countByLabel.get(label) ?? 0) + 1;
    this.#countByLabel.set(label, number);
    const placeholder = `<${label}_${number}>`;
    this.#placeholderByValue.set(key, placeholder);
    this.#namedByPlaceholder.set(placeholder, { value, className });
    return placeholder;
  }

  /**
   * Numbers this request's placeholders above any placeholder-shaped text already in
   * `text`, so that `<EMAIL_1>` written by the caller (or found in a tool's result) is never
   * taken for one of Moat's and restored into a value.
   */
  reserveNumbersIn(text: string): void {
    if (!text.includes('<')) return;
    for (const [written] of text.matchAll(PLACEHOLDER_PATTERN)) {
      const cut = written.lastIndexOf('_');
      const label = written.slice(1, cut);
      const number = Number(written.slice(cut + 1, -1));
      // Past this a placeholder would outgrow the shape restoring looks for.
      if (number >= MAX_RESERVED_NUMBER) continue;
      if (number > (this.#countByLabel.get(label) ?? 0)) this.#countByLabel.set(label, number);
    }
  }

  get size(): number {
    return this.#namedByPlaceholder.size;
  }

  /**
   * `text` with every placeholder of this request replaced by what `reveal` shows for it.
   * The lookup is literal: a placeholder this request never made is left as it is.
   */
  restore(text: string): string {
    return this.#restoreWith(text, (shown) => shown);
  }

  /**
   * The same for JSON text such as tool-call arguments: each value is put back escaped as
   * JSON string content, so a value holding `"` or `\` cannot break the arguments' syntax.
   */
  restoreInJson(json: string): string {
    return this.#restoreWith(json, (shown) => JSON.stringify(shown).slice(1, -1));
  }

  #restoreWith(text: string, encode: (value: string) => string): string {
    if (this.#namedByPlaceholder.size === 0 || !text.includes('<')) return text;
    return text.replace(PLACEHOLDER_PATTERN, (placeholder) => {
      const named = this.#namedByPlaceholder.get(placeholder);
      return named === undefined ? placeholder : encode(this.#reveal(this.#pseudonymOf(named)));
    });
  }

  /** The value, with the class naming its placeholder first, then every other it was found as. */
  #pseudonymOf({ value, className }: { value: string; className: string }): Pseudonym {
    const others = [...(this.#classesByValue.get(value) ?? [])].filter(
      (name) => name !== className,
    );
    return { value, classes: [className, ...others] };
  }
}
