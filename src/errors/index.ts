export { ERROR_CODES, type ErrorCode, type ErrorCodeEntry } from './error-codes.js';
export {
  MoatError,
  isMoatError,
  toMoatError,
  toErrorBody,
  type MoatErrorOptions,
} from './moat-error.js';
export { formatFieldPath } from './field-path.js';
