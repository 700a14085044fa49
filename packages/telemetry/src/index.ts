export * from './tracing.js';
export * from './with-span.js';
export * from './propagation.js';
export * from './logger.js';
export * from './daily-log-file.js';
export * from './metrics.js';
export { personalFieldNames } from './personal-field-names.js';
export * from './process-priority.js';
