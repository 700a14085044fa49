import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { tempDir, waitFor } from '@plass/testing';
import { NATS_INSTALL_HELP, acceptsConnections, chooseNatsPort, findNatsServer, freePort, natsServerArgs, natsStoreDir } from './nats.js';
import { prefixer } from './prefix.js';
import { Supervisor } from './supervisor.js';

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer().listen(port, '127.0.0.1', () => resolve(server));
  });
}
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('chooseNatsPort', () => {
  it('takes the preferred port while it is free and any other port once something holds it', async () => {
    const preferred = await freePort();
    expect(await chooseNatsPort(undefined, preferred)).toBe(preferred);

    const holder = await occupy(preferred);
    try {
      const chosen = await chooseNatsPort(undefined, preferred);
      expect(chosen).not.toBe(preferred);
      expect(await acceptsConnections(chosen)).toBe(false);
    } finally {
      await close(holder);
    }
  });

  it('insists on a requested port and says so when it is taken', async () => {
    const holder = await occupy(0);
    const port = (holder.address() as { port: number }).port;
    try {
      await expect(chooseNatsPort(port)).rejects.toThrow(`PLASS_NATS_PORT ${port} is already in use`);
    } finally {
      await close(holder);
    }
  });
});

describe('findNatsServer', () => {
  it('returns nothing when no candidate runs, so the launcher can say what to install', () => {
    expect(findNatsServer(['/nonexistent/nats-server'])).toBeUndefined();
    expect(NATS_INSTALL_HELP).toMatch(/apt-get install nats-server[\s\S]*brew install nats-server[\s\S]*releases/);
  });

  it('runs the spawned server the launcher way: JetStream, loopback, store under the data dir', async () => {
    const bin = findNatsServer();
    if (!bin) throw new Error(NATS_INSTALL_HELP);
    const data = tempDir('plass-launcher-nats-');
    const port = await freePort();
    const supervisor = new Supervisor({ out: new PassThrough(), err: new PassThrough(), prefix: prefixer({ color: false, width: 4 }) });
    try {
      supervisor.start({ name: 'nats', command: bin, args: natsServerArgs({ port, storeDir: natsStoreDir(data.path) }), quiet: true });
      await waitFor(() => acceptsConnections(port), { what: 'nats-server listening' });
      expect(existsSync(join(natsStoreDir(data.path), 'jetstream'))).toBe(true);

      expect(await supervisor.stop()).toEqual([expect.objectContaining({ name: 'nats', killed: false })]);
      expect(await acceptsConnections(port)).toBe(false);
    } finally {
      await supervisor.stop();
      data.remove();
    }
  });
});
