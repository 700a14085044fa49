export * from './nats-server.js';
export * from './temp-dir.js';
export * from './scan.js';
export * from './wait-for.js';
export * from './decider-spec.js';
export * from './container-engine.js';
export * from './mongo-container.js';
