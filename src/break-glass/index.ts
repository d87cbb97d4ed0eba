export {
  GRANT_STATUSES,
  MAX_GRANT_MINUTES,
  DEFAULT_GRANT_MINUTES,
  grantStatus,
  isCapturing,
  openGrantSchema,
  describeGrant,
  type GrantStatus,
  type OpenGrantBody,
} from './break-glass-grant.js';
export { CaptureVault, type CapturedExchange, type OpenedCapture } from './capture-vault.js';
export { BreakGlass, type BreakGlassOptions, type BreakGlassPolicy } from './break-glass.js';
