export * from './projection-store.js';
export { ProjectionFnNotSynchronous } from './documents.js';
export { openSqliteProjectionStore } from './sqlite-projection-store.js';
export { openMongoProjectionStore } from './mongo-projection-store.js';
export * from './projection-runner.js';
