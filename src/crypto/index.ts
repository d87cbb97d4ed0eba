export { SecretKey, KEY_BYTES, KEY_ID_BYTES } from './secret-key.js';
export { wipe } from './wipe.js';
export { canonicalJson } from './canonical-json.js';
export { SEAL_PURPOSES, KEY_PURPOSES, type SealContext, type SealPurpose } from './seal-context.js';
export {
  seal,
  open,
  readSealedHeader,
  SEALED_FORMAT_VERSION,
  SEAL_OVERHEAD_BYTES,
  type SealedHeader,
} from './seal.js';
export {
  wrapKey,
  unwrapKey,
  rewrapKey,
  type WrapKeyOptions,
  type UnwrapKeyOptions,
  type RewrapKeyOptions,
} from './key-wrap.js';
export { loadMasterKey, generateMasterKeyText, type LoadMasterKeyOptions } from './master-key.js';
export {
  generateSigningKeyPair,
  wrapSigningKey,
  unwrapSigningKey,
  exportPublicKeyPem,
  importPublicKeyPem,
  publicKeyId,
  isEd25519PublicKey,
  signingKeyContext,
  type SigningKeyPair,
} from './signing-key.js';
export {
  signPayload,
  verifySignedPayload,
  createSignature,
  checkSignature,
  type SignOptions,
  type CheckSignatureOptions,
  SIGNATURE_PURPOSES,
  SIGNATURE_PROBLEMS,
  type SignaturePurpose,
  type SignedPayload,
  type SignatureCheck,
  type SignatureProblem,
} from './signed-payload.js';
export {
  deriveIndexKey,
  normalizeText,
  tokenize,
  blindToken,
  blindTokens,
  BLIND_TOKEN_BYTES,
  MAX_WORD_LENGTH,
} from './blind-index.js';
export {
  epochAt,
  epochStartMs,
  epochEndMs,
  epochKeyDestroyAtMs,
  unrecoverableAfterMs,
  epochsDueForDestruction,
  type EpochSchedule,
} from './epoch-schedule.js';
