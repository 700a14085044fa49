export * from './pii.js';
export * from './envelope.js';
export * from './subjects.js';
export * from './errors.js';
export * from './context.js';
export * from './events/index.js';
export * from './messages/index.js';
export * from './http.js';
