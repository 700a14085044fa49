export { startPrivacyService, type PrivacyService, type PrivacyServiceConfig } from './privacy-service.js';
export { DEFAULT_ERASURE_PARTICIPANTS, DEPLOYED_ERASURE_PARTICIPANTS, PrivacyModule, type PrivacyBus, type PrivacyModuleOptions } from './privacy.module.js';
export { KeyVault, type KeyOrErased, type KeyVaultOptions } from './keys/key-vault.js';
export type { KeyStore, ScopeRef, StoredKey } from './keys/key-store.js';
export { SqliteKeyStore } from './keys/sqlite-key-store.js';
export { registerKeyHandlers, type KeyHandlerBus } from './keys/key-handlers.js';
export { parseMasterKey } from './master-key.js';
