import { describe, expect, it } from '@jest/globals';
import { envOfService, loadConfig, serviceEnv } from './config.js';

describe('loadConfig', () => {
  it('defaults to .data under the working directory, gateway port 8080, log level info and a spawned NATS', () => {
    expect(loadConfig({}, '/repo')).toEqual({
      dataDir: '/repo/.data',
      gatewayPort: 8080,
      logLevel: 'info',
      operatorToken: expect.stringMatching(/^[\w-]{32}$/),
      operatorTokenGenerated: true,
      seedDemo: true,
      backgroundNice: 10,
    });
    expect(loadConfig({}, '/repo').operatorToken).not.toBe(loadConfig({}, '/repo').operatorToken);
  });

  it('reads every PLASS_ variable and resolves a relative data dir to an absolute one', () => {
    const config = loadConfig(
      {
        PLASS_DATA_DIR: 'state/dev',
        PLASS_GATEWAY_PORT: '9090',
        PLASS_LOG_LEVEL: 'debug',
        PLASS_NATS_PORT: '4333',
        PLASS_OPERATOR_TOKEN: 'op-secret',
        PLASS_SEED_DEMO: 'false',
        PLASS_BACKGROUND_NICE: '5',
      },
      '/repo',
    );
    expect(config).toEqual({
      dataDir: '/repo/state/dev',
      gatewayPort: 9090,
      logLevel: 'debug',
      natsPort: 4333,
      operatorToken: 'op-secret',
      operatorTokenGenerated: false,
      seedDemo: false,
      backgroundNice: 5,
    });
  });

  it('uses NATS_URL when set', () => {
    expect(loadConfig({ NATS_URL: 'nats://nats.example:4222', PLASS_DATA_DIR: '/abs' }, '/repo')).toMatchObject({
      dataDir: '/abs',
      natsUrl: 'nats://nats.example:4222',
    });
  });

  it.each([
    [{ PLASS_GATEWAY_PORT: 'eighty' }, /PLASS_GATEWAY_PORT must be a TCP port/],
    [{ PLASS_NATS_PORT: '70000' }, /PLASS_NATS_PORT must be a TCP port/],
    [{ PLASS_LOG_LEVEL: 'loud' }, /PLASS_LOG_LEVEL must be one of/],
    [{ PLASS_BACKGROUND_NICE: '20' }, /PLASS_BACKGROUND_NICE must be a nice value/],
    [{ PLASS_BACKGROUND_NICE: '-5' }, /PLASS_BACKGROUND_NICE must be a nice value/],
    [{ NATS_URL: 'nats://x:4222', PLASS_NATS_PORT: '4333' }, /not both/],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env, '/repo')).toThrow(message);
  });
});

describe('serviceEnv', () => {
  it('passes the launcher environment through and sets what services read', () => {
    const config = loadConfig({ PLASS_LOG_LEVEL: 'warn', PLASS_OPERATOR_TOKEN: 'op-secret' }, '/repo');
    expect(serviceEnv(config, 'nats://127.0.0.1:4999', { PATH: '/bin', PLASS_LOG_LEVEL: 'warn', LOG_LEVEL: 'trace' })).toEqual({
      PATH: '/bin',
      NATS_URL: 'nats://127.0.0.1:4999',
      PLASS_DATA_DIR: '/repo/.data',
      PLASS_LOG_LEVEL: 'warn',
      LOG_LEVEL: 'warn',
      PLASS_GATEWAY_PORT: '8080',
      PLASS_GATEWAY_HOST: '127.0.0.1',
      PLASS_OPERATOR_TOKEN: 'op-secret',
      NODE_OPTIONS: '--max-old-space-size=128 --max-semi-space-size=4 --v8-pool-size=1',
      MALLOC_ARENA_MAX: '2',
    });
  });

  it("keeps the operator's own runtime settings over the services' defaults", () => {
    const env = serviceEnv(loadConfig({}, '/repo'), 'nats://x', { NODE_OPTIONS: '--max-old-space-size=512', MALLOC_ARENA_MAX: '4' });
    expect(env).toMatchObject({ NODE_OPTIONS: '--max-old-space-size=512', MALLOC_ARENA_MAX: '4' });
  });

  it('keeps an explicit LOG_LEVEL when PLASS_LOG_LEVEL is not set', () => {
    expect(serviceEnv(loadConfig({}, '/repo'), 'nats://x', { LOG_LEVEL: 'debug' }).LOG_LEVEL).toBe('debug');
  });
});

describe('envOfService', () => {
  const env = { PATH: '/bin' };

  it('runs the background services at the configured nice value and the request path as it is', () => {
    expect(envOfService('notification', { backgroundNice: 10 }, env)).toEqual({ PATH: '/bin', PLASS_NICE: '10' });
    expect(envOfService('analytics', { backgroundNice: 7 }, env)).toEqual({ PATH: '/bin', PLASS_NICE: '7' });
    for (const name of ['gateway', 'booking', 'identity', 'privacy']) expect(envOfService(name, { backgroundNice: 10 }, env)).toEqual(env);
  });

  it("leaves them alone when turned off, and keeps the operator's own PLASS_NICE", () => {
    expect(envOfService('notification', { backgroundNice: 0 }, env)).toEqual(env);
    expect(envOfService('notification', { backgroundNice: 10 }, { ...env, PLASS_NICE: '3' })).toEqual({ ...env, PLASS_NICE: '3' });
  });
});
