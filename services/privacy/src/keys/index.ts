export type { KeyAudit, KeysDestroyedAudit } from './key-audit.js';
export { MAX_KIDS_PER_BROADCAST, registerKeyHandlers, type KeyHandlerBus } from './key-handlers.js';
export type { KeyStore, Rewrap, ScopeRef, StoredKey, StoredSecret } from './key-store.js';
export { KeyVault, type KeyOrErased, type KeyVaultOptions } from './key-vault.js';
export type { MongoKeyStore, MongoKeyStoreOptions } from './mongo-key-store.js';
export { SqliteKeyStore } from './sqlite-key-store.js';
