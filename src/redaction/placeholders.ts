import { BUILT_IN_CLASSES } from './redaction-classes.js';

/**
 * The shape of every placeholder Moat writes: `<LABEL_n>`. Restoring looks for this one
 * fixed shape and then looks the whole placeholder up in the request's map; no pattern is
 * ever built from a value.
 */
export const PLACEHOLDER_PATTERN = /<[A-Z][A-Z0-9_]{0,40}_\d{1,6}>/gu;

/** The longest placeholder the pattern allows; a stream never holds back more than this. */
export const MAX_PLACEHOLDER_LENGTH = 1 + 41 + 1 + 6 + 1;

/** The label in a class's placeholders: `EMAIL` for EMAIL_ADDRESS, the name for others. */
export function labelFor(className: string): string {
  const builtIn = BUILT_IN_CLASSES[className as keyof typeof BUILT_IN_CLASSES] as
    { label: string } | undefined;
  return builtIn?.label ?? className;
}

/** The fixed marker a masked value becomes. */
export function maskFor(className: string): string {
  return `[REDACTED ${labelFor(className)}]`;
}
