/**
 * A single-node MongoDB replica set in a container (testcontainers), for the suites that test a
 * MongoDB adapter; call only when `containerEngineAvailable()` answered true.
 */
export async function startMongoReplicaSet(): Promise<{ url: string; stop(): Promise<void> }> {
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const container = await new MongoDBContainer('mongo:8').start();
  // The replica set advertises its in-container host name; connect to the mapped port directly.
  const base = container.getConnectionString();
  const url = base.includes('?') ? `${base}&directConnection=true` : `${base}/?directConnection=true`;
  return { url, stop: async () => void (await container.stop()) };
}
