import { inspect } from 'node:util';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { envOfService, loadConfig, SERVICE_NODE_FLAGS, SERVICE_RUNTIME_ENV } from '@plass/launcher';
import { acceptsConnections, findNatsServer, freePort, natsServerArgs } from '@plass/testing/nats-server';

export interface Member {
  name: string;
  pid: number;
}

export interface Cluster {
  url: string;
  /** The cluster's own nats-server. */
  natsUrl: string;
  operatorToken: string;
  /** nats-server first, then the services in start order. */
  members(): Member[];
  /** Rejects as soon as any member exits on its own, naming it and its last output. */
  crashed: Promise<never>;
  /** SIGTERM in reverse start order, SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** Stops one service (SIGTERM, SIGKILL after the grace period); the others keep running. */
  stopService(name: string): Promise<void>;
  /** Stops every service (not nats-server) and starts them again on the same ports and data: cold caches. */
  restartServices(): Promise<void>;
}

interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<void>;
  tail: string[];
  /** Stopped on purpose: its exit is no crash. */
  stopping: boolean;
}

const TAIL_LINES = 20;
const STOP_GRACE_MS = 10_000;

/** Every built service; privacy (the key vault) first, the gateway last, as the launcher does. */
export function builtServices(root: string): Array<{ name: string; main: string }> {
  const rank = (name: string) => (name === 'privacy' ? 0 : name === 'gateway' ? 2 : 1);
  return readdirSync(join(root, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'services', entry.name, 'dist', 'main.js')))
    .map((entry) => entry.name)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => ({ name, main: join(root, 'services', name, 'dist', 'main.js') }));
}

class Stopped extends Error {
  constructor() {
    super('stopped while starting');
  }
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string, state: { failure?: unknown; stopping: boolean }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (state.stopping) throw new Stopped();
    if (state.failure) throw state.failure instanceof Error ? state.failure : new Error(inspect(state.failure));
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} within ${Math.round(timeoutMs / 1000)}s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * nats-server and every service as separate processes on one data dir, so each one's memory can
 * be read from /proc. `stop()` must be called even when starting fails half-way.
 */
export function startCluster(options: { root: string; dataDir: string; progress: (line: string) => void; env?: NodeJS.ProcessEnv }): { cluster: Cluster; ready: Promise<void> } {
  const children: Child[] = [];
  const state: { failure?: unknown; stopping: boolean } = { stopping: false };
  let rejectCrashed!: (error: Error) => void;
  const crashed = new Promise<never>((_, reject) => (rejectCrashed = reject));
  crashed.catch(() => undefined);
  const reportCrash = (error: Error) => {
    state.failure ??= error;
    rejectCrashed(error);
  };
  const killAll = () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  };
  process.on('exit', killAll);

  const launch = (name: string, command: string, args: string[], env?: NodeJS.ProcessEnv) => {
    if (state.stopping) throw new Stopped();
    const spawned = spawn(command, args, { env: env ?? process.env, cwd: options.root, stdio: ['ignore', 'pipe', 'pipe'] });
    const child: Child = { name, process: spawned, tail: [], stopping: false, exited: new Promise((resolve) => spawned.once('close', () => resolve())) };
    // Drained always: a full pipe would block the child.
    // BENCH_LOG_DIR: every process's output also goes to `<dir>/<name>.log` (e.g. with BENCH_NODE_ARGS=--trace-gc).
    const log = process.env.BENCH_LOG_DIR ? createWriteStream(join(process.env.BENCH_LOG_DIR, `${name}.log`), { flags: 'a' }) : undefined;
    const keep = (chunk: Buffer) => {
      log?.write(chunk);
      child.tail.push(...chunk.toString().split('\n').filter(Boolean));
      child.tail.splice(0, Math.max(0, child.tail.length - TAIL_LINES));
    };
    spawned.stdout?.on('data', keep);
    spawned.stderr?.on('data', keep);
    spawned.once('error', (error) => reportCrash(new Error(`${name} could not start: ${error.message}`)));
    spawned.once('close', (code, signal) => {
      if (state.stopping || child.stopping) return;
      reportCrash(new Error(`${name} exited unexpectedly (${signal ?? `code ${code}`}):\n${child.tail.map((line) => `  ${line}`).join('\n')}`));
    });
    children.push(child);
  };

  const stopChild = async (child: Child) => {
    child.stopping = true;
    if (child.process.exitCode !== null || child.process.signalCode !== null || child.process.pid === undefined) return;
    child.process.kill('SIGTERM');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), STOP_GRACE_MS);
    await child.exited;
    clearTimeout(timer);
  };

  const operatorToken = randomBytes(24).toString('base64url');
  let url = '';
  let natsUrl = '';
  let startServices: () => Promise<void> = () => Promise.reject(new Error('the cluster has not started'));
  const ready = (async () => {
    const services = builtServices(options.root);
    if (!services.some((service) => service.name === 'gateway')) throw new Error('services/gateway is not built: run npm run build');
    const natsBin = findNatsServer();
    if (!natsBin) throw new Error('nats-server not found (apt-get install -y nats-server, or set NATS_SERVER_BIN)');
    const natsPort = await freePort();
    const storeDir = join(options.dataDir, 'nats');
    mkdirSync(storeDir, { recursive: true });
    launch('nats', natsBin, natsServerArgs({ port: natsPort, storeDir }));
    await until(() => acceptsConnections(natsPort), 15_000, `nats-server did not listen on ${natsPort}`, state);
    natsUrl = `nats://127.0.0.1:${natsPort}`;

    const gatewayPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...SERVICE_RUNTIME_ENV,
      ...process.env,
      NATS_URL: natsUrl,
      PLASS_DATA_DIR: options.dataDir,
      PLASS_GATEWAY_PORT: String(gatewayPort),
      PLASS_GATEWAY_HOST: '127.0.0.1',
      PLASS_OPERATOR_TOKEN: operatorToken,
      PLASS_LOG_LEVEL: 'warn',
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    options.progress(`bench: starting nats-server, ${services.map((service) => service.name).join(', ')} as separate processes…`);
    // BENCH_NODE_ARGS: extra node flags for every service, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    url = `http://127.0.0.1:${gatewayPort}`;
    startServices = async () => {
      // As the launcher runs them: analytics and notification at a lower CPU priority (PLASS_BACKGROUND_NICE, ADR 0020).
      const config = loadConfig(process.env, options.root);
      for (const service of services) launch(service.name, process.execPath, [...SERVICE_NODE_FLAGS, ...nodeArgs, service.main], envOfService(service.name, config, env));
      await until(
        async () => {
          const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
          await response.body?.cancel();
          return response.status === 200;
        },
        60_000,
        'the gateway did not answer 200 on /readyz',
        state,
      );
    };
    await startServices();
  })();
  // stop() during start-up ends the start-up too; nobody else need hear of it.
  ready.catch(() => undefined);

  const cluster: Cluster = {
    get url() {
      return url;
    },
    get natsUrl() {
      return natsUrl;
    },
    operatorToken,
    members: () => children.filter((child) => child.process.pid !== undefined).map((child) => ({ name: child.name, pid: child.process.pid! })),
    crashed,
    async stop() {
      state.stopping = true;
      for (const child of [...children].reverse()) await stopChild(child);
      process.off('exit', killAll);
    },
    async stopService(name) {
      for (const child of children) if (child.name === name && !child.stopping) await stopChild(child);
    },
    async restartServices() {
      const services = children.filter((child) => child.name !== 'nats');
      for (const child of [...services].reverse()) await stopChild(child);
      children.splice(0, children.length, ...children.filter((child) => !services.includes(child)));
      await startServices();
    },
  };
  return { cluster, ready };
}
