export * from './bus.js';
export * from './jetstream.js';
export * from './headers.js';
export * from './errors.js';
export * from './logger.js';
export * from './envelope.js';
export * from './lease.js';
