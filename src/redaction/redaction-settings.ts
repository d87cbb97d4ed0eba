import type { CustomChecksum } from './detectors/custom-detector.js';
import type { Direction, PolicyAction } from './redaction-classes.js';

/** The `redaction` section of the configuration, as the config part validated it. */
export interface RedactionSettings {
  phoneRegion: string;
  phoneFallbackRegions: readonly string[];
  minConfidence: number;
  timeoutMs: number;
  detectNames: boolean;
  policy: Readonly<Record<string, { [direction in Direction]?: PolicyAction | undefined }>>;
  customClasses: readonly {
    name: string;
    pattern: string;
    ignoreCase: boolean;
    checksum: CustomChecksum;
    contextWords: readonly string[];
    requireContext: boolean;
  }[];
}
