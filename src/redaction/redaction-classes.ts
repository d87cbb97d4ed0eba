/**
 * The data classes Moat detects out of the box. Each has a short placeholder label and a
 * family that decides its default policy: secrets are blocked, payment data is masked and
 * other personal data is pseudonymized on the way to the model.
 */
export const BUILT_IN_CLASSES = {
  SECRET: { label: 'SECRET', family: 'secret' },
  URL_CREDENTIALS: { label: 'URL_CREDENTIALS', family: 'secret' },
  CREDIT_CARD: { label: 'CARD', family: 'payment' },
  IBAN_CODE: { label: 'IBAN', family: 'personal' },
  US_SSN: { label: 'SSN', family: 'personal' },
  EMAIL_ADDRESS: { label: 'EMAIL', family: 'personal' },
  PHONE_NUMBER: { label: 'PHONE', family: 'personal' },
  IP_ADDRESS: { label: 'IP', family: 'personal' },
  STREET_ADDRESS: { label: 'ADDRESS', family: 'personal' },
  PERSON: { label: 'PERSON', family: 'personal' },
} as const;

export type BuiltInClass = keyof typeof BUILT_IN_CLASSES;

export const BUILT_IN_CLASS_NAMES = Object.keys(BUILT_IN_CLASSES) as BuiltInClass[];

export const POLICY_ACTIONS = ['allow', 'mask', 'pseudonymize', 'block'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

/** Where content is going: to the model, into saved memory, or back to the caller. */
export const DIRECTIONS = ['model', 'memory', 'caller'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export type ClassFamily = 'secret' | 'payment' | 'personal' | 'custom';

/** The default action for a family in each direction. */
export const FAMILY_DEFAULTS: Record<ClassFamily, Record<Direction, PolicyAction>> = {
  secret: { model: 'block', memory: 'block', caller: 'mask' },
  payment: { model: 'mask', memory: 'mask', caller: 'allow' },
  personal: { model: 'pseudonymize', memory: 'mask', caller: 'allow' },
  custom: { model: 'pseudonymize', memory: 'mask', caller: 'allow' },
};

/**
 * Which class wins when two detections overlap: the merged span takes the class that comes
 * first here. Secrets first, so a key inside a URL is treated as a key.
 */
export const CLASS_PRIORITY: readonly string[] = [
  'SECRET',
  'URL_CREDENTIALS',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'EMAIL_ADDRESS',
  'IP_ADDRESS',
  'PHONE_NUMBER',
  'STREET_ADDRESS',
  'PERSON',
];
