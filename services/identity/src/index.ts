export { startIdentityService, type IdentityService, type IdentityServiceConfig } from './identity-service.js';
export { IdentityApp } from './identity-app.js';
export { AuthApp } from './auth-app.js';
export { TOKEN_AUDIENCE, TOKEN_ISSUER } from './tokens/access-token.js';
export { normalizeEmail } from './credentials/email-index.js';
