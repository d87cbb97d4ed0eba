import {
  BUILT_IN_CLASSES,
  FAMILY_DEFAULTS,
  type ClassFamily,
  type Direction,
  type PolicyAction,
} from './redaction-classes.js';

/** Per-direction actions an operator sets for one class; directions left out keep defaults. */
export type ClassPolicy = { [direction in Direction]?: PolicyAction | undefined };

export interface RedactionPolicyOptions {
  /** Actions by class name, over the defaults of the class's family. */
  overrides?: Readonly<Record<string, ClassPolicy>>;
  /** Findings less sure than this are ignored. @default 0.5 */
  minConfidence?: number;
  /** Operator-defined class names; they take the `custom` family's defaults. */
  customClassNames?: readonly string[];
}

/**
 * What to do with each class in each direction. Defaults are safe: secrets are blocked,
 * payment cards masked, and other personal data pseudonymized on the way to the model.
 */
export class RedactionPolicy {
  readonly minConfidence: number;
  readonly #overrides: Readonly<Record<string, ClassPolicy>>;
  readonly #customClassNames: ReadonlySet<string>;

  constructor(options: RedactionPolicyOptions = {}) {
    this.minConfidence = options.minConfidence ?? 0.5;
    this.#overrides = options.overrides ?? {};
    this.#customClassNames = new Set(options.customClassNames ?? []);
  }

  actionFor(className: string, direction: Direction): PolicyAction {
    return (
      this.#overrides[className]?.[direction] ?? FAMILY_DEFAULTS[this.#family(className)][direction]
    );
  }

  /** True when every known class is allowed in `direction`, so scanning can be skipped. */
  allowsEverything(direction: Direction, classNames: readonly string[]): boolean {
    return classNames.every((className) => this.actionFor(className, direction) === 'allow');
  }

  #family(className: string): ClassFamily {
    if (className in BUILT_IN_CLASSES) {
      return BUILT_IN_CLASSES[className as keyof typeof BUILT_IN_CLASSES].family;
    }
    // An unknown name can only come from a detector Moat did not list: treat it as a secret.
    return this.#customClassNames.has(className) ? 'custom' : 'secret';
  }
}
