export { SCOPES, isScope, type Scope } from './scopes.js';
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
