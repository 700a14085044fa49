import type { ProjectionStore } from './projection-store.js';

export * from './projection-store.js';
export { ProjectionFnNotSynchronous } from './documents.js';
export { openSqliteProjectionStore } from './sqlite-projection-store.js';
/** The MongoDB adapter, loaded only when configured (the driver costs every process memory). */
export async function openMongoProjectionStore(options: { url: string; database: string }): Promise<ProjectionStore> {
  return (await import('./mongo-projection-store.js')).openMongoProjectionStore(options);
}
export * from './projection-runner.js';
export * from './event-flow.js';
export * from './service-stores.js';
