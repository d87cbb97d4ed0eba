import { MoatError } from '../errors/index.js';
import type { MemoryKind } from '../store/index.js';

const DAY_MS = 86_400_000;

/** A default and a ceiling, each optional below the top level. */
export interface RetentionRule {
  defaultDays?: number | undefined;
  maxDays?: number | undefined;
}

/** `memory.retention` from the configuration. */
export interface RetentionSettings {
  defaultDays: number;
  maxDays: number;
  kinds: { [kind in MemoryKind]?: RetentionRule | undefined };
  dataClasses: Record<string, RetentionRule>;
}

/** The data class an item has when the caller names none. */
export const DEFAULT_DATA_CLASS = 'general';

/** What saving asks of the policy. */
export interface RetentionRequest {
  kind: MemoryKind;
  dataClass: string;
  /** The caller's wish; it may shorten retention, never lengthen it. */
  retentionSeconds?: number | undefined;
  /** The field the wish came in, for the error. */
  param: string;
}

/** A kind and data class's retention, in milliseconds. */
export interface RetentionLimits {
  defaultMs: number;
  maxMs: number;
}

/**
 * Decides how long an item is kept. Every rule that applies (the top level, the item's kind,
 * its data class) limits it: the default is the shortest default, the ceiling the lowest
 * ceiling, and the caller may ask for less but never for more.
 */
export class RetentionPolicy {
  readonly #settings: RetentionSettings;

  constructor(settings: RetentionSettings) {
    this.#settings = settings;
  }

  /** The data classes items may carry: the default one and every configured one. */
  get dataClasses(): string[] {
    return [DEFAULT_DATA_CLASS, ...Object.keys(this.#settings.dataClasses)];
  }

  /**
   * What applies to an item of this kind and data class: the retention it gets when the
   * caller asks for nothing, and the longest it may ask for.
   */
  limits(request: Pick<RetentionRequest, 'kind' | 'dataClass'>): RetentionLimits {
    const rules = this.#rulesFor(request);
    const maxMs = Math.min(...rules.map((rule) => rule.maxDays ?? Infinity)) * DAY_MS;
    const defaultMs = Math.min(...rules.map((rule) => rule.defaultDays ?? Infinity)) * DAY_MS;
    return { defaultMs: Math.min(defaultMs, maxMs), maxMs };
  }

  /** Milliseconds the item is kept; throws `invalid_request` for a wish past the ceiling. */
  retentionMs(request: RetentionRequest): number {
    const { defaultMs, maxMs } = this.limits(request);
    if (request.retentionSeconds === undefined) return defaultMs;

    const wishedMs = request.retentionSeconds * 1000;
    if (wishedMs > maxMs) {
      throw new MoatError('invalid_request', {
        detail:
          `Field ${request.param} may be at most ${maxMs / 1000} ` +
          'for this kind and data class.',
        param: request.param,
      });
    }
    return wishedMs;
  }

  #rulesFor(request: Pick<RetentionRequest, 'kind' | 'dataClass'>): RetentionRule[] {
    const { kinds, dataClasses } = this.#settings;
    const classRule = dataClasses[request.dataClass];
    if (request.dataClass !== DEFAULT_DATA_CLASS && classRule === undefined) {
      throw new MoatError('invalid_request', {
        detail: `Field data_class must be one of: ${this.dataClasses.join(', ')}.`,
        param: 'data_class',
      });
    }
    return [this.#settings, kinds[request.kind] ?? {}, classRule ?? {}];
  }
}
