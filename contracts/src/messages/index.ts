export * from './define.js';
export * from './paging.js';
export * from './booking.js';
export * from './privacy.js';
export * from './identity.js';
export * from './privacy-api.js';
export * from './analytics.js';
export * from './notification.js';
