export * from './domain/local-time.js';
export * from './domain/cells.js';
export * from './domain/queries.js';
export * from './domain/suppression.js';
export * from './projection.js';
export { startAnalyticsService, type AnalyticsService, type AnalyticsServiceConfig } from './analytics-service.js';
export type { RebuildProgress } from './rebuild.js';
export * from './test-support/seeded-month.js';
