import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServerHandle {
  url: string;
  port: number;
  storeDir: string;
  stop(): Promise<void>;
}

// Runtime-safe (no jest): the launcher imports this module as `@plass/testing/nats-server`.

export function natsServerCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.NATS_SERVER_BIN, 'nats-server', '/usr/sbin/nats-server', '/usr/local/bin/nats-server'].filter((bin): bin is string => Boolean(bin));
}

/** The first candidate that runs `--version`; Debian installs it outside a user's PATH. */
export function findNatsServer(candidates = natsServerCandidates()): string | undefined {
  return candidates.find((bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0);
}

/** JetStream on loopback only, with its own store directory. */
export function natsServerArgs(options: { port: number; storeDir: string }): string[] {
  return ['-js', '-a', '127.0.0.1', '-p', String(options.port), '-sd', options.storeDir];
}

export async function freePort(): Promise<number> {
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

export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts a private `nats-server -js` on a free loopback port with its own store directory —
 * never the shared server on 4222. Resolves once the server accepts connections.
 */
export async function startNats(options: { storeDir?: string; port?: number } = {}): Promise<NatsServerHandle> {
  const bin = findNatsServer();
  if (!bin) throw new Error('nats-server not found: install it (apt-get install -y nats-server) or set NATS_SERVER_BIN');
  const ownsStore = !options.storeDir;
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'plass-nats-'));
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(bin, natsServerArgs({ port, storeDir }), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited (${child.exitCode}): ${stderr}`);
    if (await acceptsConnections(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nats-server did not listen on ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (ownsStore) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
