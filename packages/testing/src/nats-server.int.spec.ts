import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { existsSync } from 'node:fs';
import { startNats } from './nats-server.js';

describe('startNats', () => {
  it('starts a private JetStream server on a free port and removes its store on stop', async () => {
    const server = await startNats();
    expect(server.port).not.toBe(4222);
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'PROBE', subjects: ['probe.>'] });
    expect((await jsm.getAccountInfo()).streams).toBe(1);
    await nc.close();
    await server.stop();
    expect(existsSync(server.storeDir)).toBe(false);
  });
});
