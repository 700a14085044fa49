export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '/node_modules/cookie/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } },
        module: { type: 'es6' },
      },
    ],
  },
  // light-my-request (fastify.inject) requires the ESM-only `cookie`; jest's own module
  // system cannot require(esm) before Node 24.9, so that one package is compiled to CJS.
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  moduleNameMapper: {
    '^@plass/testing/nats-server$': '<rootDir>/packages/testing/src/nats-server.ts',
    '^@plass/contracts$': '<rootDir>/contracts/src/index.ts',
    '^@plass/(bus|eventstore|shredder|projections|telemetry|testing|launcher)$': '<rootDir>/packages/$1/src/index.ts',
    '^@plass/(gateway|privacy|booking|identity|analytics|notification)$': '<rootDir>/services/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/**/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
