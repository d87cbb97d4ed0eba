export {
  BUILT_IN_CLASSES,
  BUILT_IN_CLASS_NAMES,
  DIRECTIONS,
  POLICY_ACTIONS,
  type BuiltInClass,
  type Direction,
  type PolicyAction,
} from './redaction-classes.js';
export type { Detection, Detector } from './detection.js';
export { Redactor, type RedactorOptions } from './redactor.js';
export {
  RedactionSession,
  type RedactionResult,
  type RedactionTally,
} from './redaction-session.js';
export {
  RedactionPolicy,
  type ClassPolicy,
  type RedactionPolicyOptions,
} from './redaction-policy.js';
export { StreamRestorer } from './stream-restorer.js';
export { createRedactor } from './create-redactor.js';
export type { RedactionSettings } from './redaction-settings.js';
export { AnswerFilter } from './answer-filter.js';
export type { ProtectedText } from './scan-view.js';
