import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe } from '@jest/globals';
import { containerEngineAvailable, startMongoReplicaSet } from '@plass/testing';
import { MongoClient } from 'mongodb';
import { openMongoProjectionStore } from './mongo-projection-store.js';
import { projectionStoreContract } from './testing/projection-store-contract.js';

const engine = await containerEngineAvailable();
// Written to stderr directly: jest drops console output of a file whose tests are all skipped.
if (!engine) process.stderr.write('SKIPPED MongoProjectionStore contract suite: no container engine (testcontainers) found\n');

(engine ? describe : describe.skip)('MongoProjectionStore (replica set, testcontainers)', () => {
  let mongo: Awaited<ReturnType<typeof startMongoReplicaSet>>;
  let url: string;

  beforeAll(async () => {
    mongo = await startMongoReplicaSet();
    url = mongo.url;
  }, 120_000);

  afterAll(async () => {
    await mongo?.stop();
  });

  projectionStoreContract(async () => {
    const database = `projections_${randomUUID().replaceAll('-', '')}`;
    return {
      open: () => openMongoProjectionStore({ url, database }),
      dispose: async () => {
        const client = await MongoClient.connect(url);
        await client.db(database).dropDatabase();
        await client.close();
      },
    };
  });
});
