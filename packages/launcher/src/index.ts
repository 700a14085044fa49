export * from './banner.js';
export * from './config.js';
export * from './main.js';
export * from './nats.js';
export * from './prefix.js';
export * from './ready.js';
export * from './services.js';
export * from './supervisor.js';
