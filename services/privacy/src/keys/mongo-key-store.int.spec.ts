import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe } from '@jest/globals';
import { containerEngineAvailable, startMongoReplicaSet } from '@plass/testing';
import { MongoClient } from 'mongodb';
import { MongoKeyStore } from './mongo-key-store.js';
import { keyVaultContract } from './testing/key-vault-contract.js';

const engine = await containerEngineAvailable();
// Written to stderr directly: jest drops console output of a file whose tests are all skipped.
if (!engine) process.stderr.write('SKIPPED MongoKeyStore key vault suite: no container engine (testcontainers) found\n');

(engine ? describe : describe.skip)('KeyVault on MongoDB: the shared behaviour (testcontainers)', () => {
  let mongo: Awaited<ReturnType<typeof startMongoReplicaSet>>;
  let url: string;

  beforeAll(async () => {
    mongo = await startMongoReplicaSet();
    url = mongo.url;
  }, 120_000);

  afterAll(async () => {
    await mongo?.stop();
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
