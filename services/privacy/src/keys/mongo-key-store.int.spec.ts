import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe } from '@jest/globals';
import { containerEngineAvailable } from '@plass/testing';
import type { StartedMongoDBContainer } from '@testcontainers/mongodb';
import { MongoClient } from 'mongodb';
import { MongoKeyStore } from './mongo-key-store.js';
import { keyVaultContract } from './testing/key-vault-contract.js';

const engine = await containerEngineAvailable();
// Written to stderr directly: jest drops console output of a file whose tests are all skipped.
if (!engine) process.stderr.write('SKIPPED MongoKeyStore key vault suite: no container engine (testcontainers) found\n');

(engine ? describe : describe.skip)('KeyVault on MongoDB: the shared behaviour (testcontainers)', () => {
  let container: StartedMongoDBContainer;
  let url: string;

  beforeAll(async () => {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    container = await new MongoDBContainer('mongo:8').start();
    // The single-node replica set advertises its in-container host name; connect to the mapped port.
    const base = container.getConnectionString();
    url = base.includes('?') ? `${base}&directConnection=true` : `${base}/?directConnection=true`;
  }, 120_000);

  afterAll(async () => {
    await container?.stop();
  });

  keyVaultContract(async () => {
    const database = `keys_${randomUUID().replaceAll('-', '')}`;
    return {
      open: () => MongoKeyStore.open({ url, database }),
      dispose: async () => {
        const client = await MongoClient.connect(url);
        await client.db(database).dropDatabase();
        await client.close();
      },
    };
  });
});
