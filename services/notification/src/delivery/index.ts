export * from './smtp-config.js';
export * from './circuit-breaker.js';
export * from './backoff.js';
export * from './mail-sender.js';
export * from './mail-sink.js';
