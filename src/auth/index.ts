export { SCOPES, SESSION_SCOPES, isScope, type Scope } from './scopes.js';
export {
  createApiKey,
  authenticateToken,
  revokeApiKey,
  parseBearerToken,
  isApiKeyId,
  type CreatedApiKey,
  type CreateApiKeyOptions,
  type AuthenticateOptions,
} from './api-keys.js';
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.js';
export {
  authenticateUser,
  createUser,
  findOrCreateProxyUser,
  isUserName,
} from './user-accounts.js';
export {
  authenticateSession,
  createSession,
  csrfTokenFor,
  destroySession,
  isCsrfTokenValid,
  type ActiveSession,
  type CreatedSession,
} from './web-sessions.js';
