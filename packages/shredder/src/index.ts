export { SubjectErasedError, type DataKey, type KeyProvider, type KeyScope } from './key-provider.js';
export { CiphertextCorruptError } from './field-cipher.js';
export { Shredder, type DecryptContext, type DecryptResult, type EncryptContext, type Shredded, type StoredRow } from './shredder.js';
export { NatsKeyClient, type KeyBus, type NatsKeyClientOptions } from './nats-key-client.js';
export { loadOrCreateDevKey, parseBase64Key, type DevKeyLogger } from './master-key.js';
