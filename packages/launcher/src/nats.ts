import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from '@plass/testing/nats-server';

export { acceptsConnections, findNatsServer, freePort, natsServerArgs, natsServerCandidates } from '@plass/testing/nats-server';

export const DEFAULT_NATS_PORT = 4222;

export const NATS_INSTALL_HELP = [
  'nats-server was not found. plass needs it (with JetStream) unless NATS_URL points at a running server.',
  'Install it with one of:',
  '  Debian/Ubuntu:  sudo apt-get install nats-server',
  '  macOS:          brew install nats-server',
  '  any platform:   download a release from https://github.com/nats-io/nats-server/releases and put it on PATH',
  'or set NATS_SERVER_BIN to the binary, or NATS_URL to an existing server (nats://host:4222).',
].join('\n');

export const natsStoreDir = (dataDir: string) => join(dataDir, 'nats');

/** Whether the launcher could listen on `port` (loopback): nothing else holds it. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A requested port must be free; otherwise 4222 when free, else any free port, so a system
 * nats-server already on 4222 is never mistaken for plass's own.
 */
export async function chooseNatsPort(requested?: number, preferred = DEFAULT_NATS_PORT): Promise<number> {
  if (requested !== undefined) {
    if (!(await isPortFree(requested))) throw new Error(`PLASS_NATS_PORT ${requested} is already in use`);
    return requested;
  }
  return (await isPortFree(preferred)) ? preferred : freePort();
}
