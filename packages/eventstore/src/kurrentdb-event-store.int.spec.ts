import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GenericContainer, Wait, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { openKurrentDbEventStore } from './kurrentdb-event-store.js';
import { describeEventStoreContract } from './testing/event-store-contract.js';

const IMAGE = process.env['PLASS_KURRENTDB_IMAGE'] ?? 'docker.kurrent.io/kurrent-latest/kurrentdb:latest';

const engine = await getContainerRuntimeClient().then(
  () => true,
  () => false,
);
if (!engine) console.warn('SKIPPED KurrentDbEventStore integration tests: no container engine found (testcontainers).');

(engine ? describe : describe.skip)('KurrentDbEventStore', () => {
  let container: StartedTestContainer | undefined;
  let connectionString = '';

  beforeAll(async () => {
    container = await new GenericContainer(IMAGE)
      .withEnvironment({
        KURRENTDB_CLUSTER_SIZE: '1',
        KURRENTDB_INSECURE: 'true',
        KURRENTDB_MEM_DB: 'true',
        KURRENTDB_RUN_PROJECTIONS: 'None',
        KURRENTDB_START_STANDARD_PROJECTIONS: 'false',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(120_000)
      .start();
    connectionString = `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
  }, 180_000);

  afterAll(async () => {
    await container?.stop();
  });

  describeEventStoreContract('KurrentDbEventStore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plass-eventstore-'));
    return {
      open: () => openKurrentDbEventStore({ connectionString, checkpointFile: join(dir, 'relay', 'checkpoint.json') }),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });
});

it('KurrentDbEventStore needs a checkpoint file to relay', async () => {
  const store = openKurrentDbEventStore({ connectionString: 'kurrentdb://localhost:1?tls=false' });
  expect(() => store.relay({ publish: async () => undefined })).toThrow('checkpointFile');
  await store.close();
});
