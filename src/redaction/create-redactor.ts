import { BUILT_IN_CLASS_NAMES } from './redaction-classes.js';
import type { RedactionSettings } from './redaction-settings.js';
import { RedactionPolicy } from './redaction-policy.js';
import { Redactor } from './redactor.js';

/**
 * The process's one redactor, built from configuration. The detectors and their word lists
 * and rule sets are loaded here, on demand, so that commands that never redact (`moat
 * --help`, `moat keys`) do not pay for loading them.
 */
export async function createRedactor(settings: RedactionSettings): Promise<Redactor> {
  const { buildDetectors } = await import('./detectors/build-detectors.js');
  const customNames = settings.customClasses.map((custom) => custom.name);
  return new Redactor({
    detectors: buildDetectors(settings),
    classNames: [...BUILT_IN_CLASS_NAMES, ...customNames],
    timeoutMs: settings.timeoutMs,
    policy: new RedactionPolicy({
      overrides: settings.policy,
      minConfidence: settings.minConfidence,
      customClassNames: customNames,
    }),
  });
}
