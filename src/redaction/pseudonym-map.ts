import { labelFor, PLACEHOLDER_PATTERN } from './placeholders.js';

const MAX_RESERVED_NUMBER = 900_000;

/**
 * One request's placeholders and the values behind them. It lives in memory for one request
 * only and is never logged or stored. The same value gets the same placeholder every time
 * within the request, so the model can tell that two mentions are one person.
 */
export class PseudonymMap {
  readonly #placeholderByValue = new Map<string, string>();
  readonly #valueByPlaceholder = new Map<string, string>();
  readonly #countByLabel = new Map<string, number>();

  /** The placeholder for `value` as a `className`, made on first use. */
  placeholderFor(className: string, value: string): string {
    const key = `${className}\u0000${value}`;
    const known = this.#placeholderByValue.get(key);
    if (known !== undefined) return known;

    const label = labelFor(className);
    const number = (this.#countByLabel.get(label) ?? 0) + 1;
    this.#countByLabel.set(label, number);
    const placeholder = `<${label}_${number}>`;
    this.#placeholderByValue.set(key, placeholder);
    this.#valueByPlaceholder.set(placeholder, value);
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
    return this.#valueByPlaceholder.size;
  }

  /**
   * `text` with every placeholder of this request replaced by its original value. The
   * lookup is literal: a placeholder this request never made is left as it is.
   */
  restore(text: string): string {
    return this.#restoreWith(text, (value) => value);
  }

  /**
   * The same for JSON text such as tool-call arguments: each value is put back escaped as
   * JSON string content, so a value holding `"` or `\` cannot break the arguments' syntax.
   */
  restoreInJson(json: string): string {
    return this.#restoreWith(json, (value) => JSON.stringify(value).slice(1, -1));
  }

  #restoreWith(text: string, encode: (value: string) => string): string {
    if (this.#valueByPlaceholder.size === 0 || !text.includes('<')) return text;
    return text.replace(PLACEHOLDER_PATTERN, (placeholder) => {
      const value = this.#valueByPlaceholder.get(placeholder);
      return value === undefined ? placeholder : encode(value);
    });
  }
}
