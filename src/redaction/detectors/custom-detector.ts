import { passesLuhn, passesMod97 } from '../checksums.js';
import type { Detection, Detector } from '../detection.js';
import { digitsOf, hasContextBefore } from '../text-context.js';

export const CUSTOM_CHECKSUMS = ['none', 'luhn', 'mod97'] as const;
export type CustomChecksum = (typeof CUSTOM_CHECKSUMS)[number];

/** An operator-defined class: customer numbers, ticket ids and the like. */
export interface CustomClassDefinition {
  /** Upper-case class name, also the placeholder label (`<CUSTOMER_ID_1>`). */
  name: string;
  /** A JavaScript regular expression (Unicode mode) for the value itself. */
  pattern: string;
  isCaseInsensitive: boolean;
  /** A check the matched value must pass. */
  checksum: CustomChecksum;
  /** Lowercase words that, found shortly before a match, raise its confidence. */
  contextWords: readonly string[];
  /** When true, a match without a context word is not a finding at all. */
  isContextRequired: boolean;
}

const CHECKS: Record<CustomChecksum, (value: string) => boolean> = {
  none: () => true,
  luhn: (value) => passesLuhn(digitsOf(value)),
  mod97: passesMod97,
};

/** Finds one operator-defined class; the pattern comes from configuration, never content. */
export class CustomDetector implements Detector {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly #definition: CustomClassDefinition;
  readonly #pattern: RegExp;

  constructor(definition: CustomClassDefinition) {
    this.name = `custom:${definition.name}`;
    this.classNames = [definition.name];
    this.#definition = definition;
    this.#pattern = new RegExp(definition.pattern, definition.isCaseInsensitive ? 'giu' : 'gu');
  }

  detect(text: string): Detection[] {
    const found: Detection[] = [];
    const { contextWords } = this.#definition;
    for (const match of text.matchAll(this.#pattern)) {
      if (match[0].length === 0 || !CHECKS[this.#definition.checksum](match[0])) continue;
      const hasContext =
        contextWords.length > 0 && hasContextBefore(text, match.index, contextWords);
      if (this.#definition.isContextRequired && !hasContext) continue;

      found.push({
        className: this.#definition.name,
        start: match.index,
        end: match.index + match[0].length,
        confidence: hasContext || contextWords.length === 0 ? 0.9 : 0.6,
      });
    }
    return found;
  }
}
