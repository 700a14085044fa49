export * from './domain/local-time.js';
export * from './domain/cells.js';
export * from './domain/queries.js';
export * from './domain/suppression.js';
export * from './projection.js';
