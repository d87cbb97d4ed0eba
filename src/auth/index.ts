export { SCOPES, isScope, type Scope } from './scopes.js';
export { createApiKey, authenticateToken, revokeApiKey, type CreatedApiKey } from './api-keys.js';
