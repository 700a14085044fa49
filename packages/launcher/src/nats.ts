import { spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

// findNatsServer/freePort also live in @plass/testing, but its entry point imports
// @jest/globals, which throws outside jest, so runtime code cannot import it.

export const DEFAULT_NATS_PORT = 4222;

export const NATS_INSTALL_HELP = [
  'nats-server was not found. plass needs it (with JetStream) unless NATS_URL points at a running server.',
  'Install it with one of:',
  '  Debian/Ubuntu:  sudo apt-get install nats-server',
  '  macOS:          brew install nats-server',
  '  any platform:   download a release from https://github.com/nats-io/nats-server/releases and put it on PATH',
  'or set NATS_SERVER_BIN to the binary, or NATS_URL to an existing server (nats://host:4222).',
].join('\n');

export function natsServerCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.NATS_SERVER_BIN, 'nats-server', '/usr/sbin/nats-server', '/usr/local/bin/nats-server'].filter(
    (bin): bin is string => Boolean(bin),
  );
}

/** The first candidate that runs `--version`; Debian installs it outside a user's PATH. */
export function findNatsServer(candidates = natsServerCandidates()): string | undefined {
  return candidates.find((bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0);
}

export function natsServerArgs(options: { port: number; storeDir: string }): string[] {
  return ['-js', '-a', '127.0.0.1', '-p', String(options.port), '-sd', options.storeDir];
}

export const natsStoreDir = (dataDir: string) => join(dataDir, 'nats');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether the launcher could listen on `port` (loopback): nothing else holds it. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
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
