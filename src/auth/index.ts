export { SCOPES, isScope, type Scope } from './scopes.js';
export {
  createApiKey,
  authenticateToken,
  revokeApiKey,
  parseBearerToken,
  isApiKeyId,
  type CreatedApiKey,
  type CreateApiKeyOptions,
} from './api-keys.js';
