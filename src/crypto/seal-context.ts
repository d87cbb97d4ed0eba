import { MoatError } from '../errors/index.js';
import { canonicalJson } from './canonical-json.js';

/**
 * What a sealed blob is for. The purpose and the other bindings of a context go into the
 * authenticated data of every seal, so a blob opens only where it was sealed: an item key
 * cannot be opened as an owner key, nor one owner's content as another's.
 */
export const SEAL_PURPOSES = {
  /** An owner's key-encryption key, wrapped under the master key. */
  ownerKey: 'owner-key',
  /** An item's data key, wrapped under its owner's key. */
  itemKey: 'item-key',
  /** An item's content (text, messages, extracted document text), under its data key. */
  itemContent: 'item-content',
  /** An item's embedding vectors, under its data key. */
  itemVector: 'item-vector',
  /** The audit and receipt signing key's private half, wrapped under the master key. */
  signingKey: 'signing-key',
  /** A break-glass grant's capture key, wrapped under the master key. */
  captureKey: 'capture-key',
  /** Content recorded under a break-glass grant, under its capture key. */
  captureContent: 'capture-content',
  /** A backup epoch's key, wrapped under the master key. */
  epochKey: 'epoch-key',
  /** A keyring backup's body, under the key of the epoch it was made in. */
  keyringBackup: 'keyring-backup',
} as const;

export type SealPurpose = (typeof SEAL_PURPOSES)[keyof typeof SEAL_PURPOSES];

/**
 * Where a blob belongs: its purpose plus the ids it is bound to, for example
 * `{ purpose: 'item-key', ownerId, itemId }`. Binding names are free; values are non-empty
 * strings or whole numbers. Opening needs exactly the same context.
 */
export interface SealContext {
  readonly purpose: SealPurpose;
  readonly [binding: string]: string | number;
}

const PURPOSE_VALUES: ReadonlySet<string> = new Set(Object.values(SEAL_PURPOSES));

/**
 * The purposes whose plaintext is a key. Only `wrapKey` and the signing-key helpers seal
 * these, and `seal` refuses them, so content can never be sealed where a key is expected
 * and then be handed out as one.
 */
export const KEY_PURPOSES: ReadonlySet<SealPurpose> = new Set([
  SEAL_PURPOSES.ownerKey,
  SEAL_PURPOSES.itemKey,
  SEAL_PURPOSES.signingKey,
  SEAL_PURPOSES.captureKey,
  SEAL_PURPOSES.epochKey,
]);

/** Refuses a context whose purpose is on the wrong side of the key/data line. */
export function requirePurposeKind(context: SealContext, isKey: boolean): void {
  if (KEY_PURPOSES.has(context.purpose) === isKey) return;
  const detail = isKey
    ? `Purpose "${context.purpose}" is for data; wrap keys with a key purpose.`
    : `Purpose "${context.purpose}" is for keys; use wrapKey for key material.`;
  throw new MoatError('internal_error', { detail });
}

/** Domain label in front of every context, so Moat's authenticated data is never reused. */
const CONTEXT_LABEL = 'moat/seal-context/v1\n';

/** The context as bytes for the cipher's authenticated data. */
export function encodeSealContext(context: SealContext): Buffer {
  if (!PURPOSE_VALUES.has(context.purpose)) {
    throw new MoatError('internal_error', { detail: 'A seal context needs a known purpose.' });
  }
  for (const [name, value] of Object.entries(context)) {
    const isValid = typeof value === 'string' ? value !== '' : Number.isSafeInteger(value);
    if (!isValid) {
      throw new MoatError('internal_error', {
        detail: `Seal context binding "${name}" must be a non-empty string or a whole number.`,
      });
    }
  }
  return Buffer.from(CONTEXT_LABEL + canonicalJson(context), 'utf8');
}
