import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import type { Writable } from 'node:stream';
import { curlExample, demoLoginLine, operatorLine, stoppedLine, upLine } from './banner.js';
import { seedDemoTenant } from './demo.js';
import { ConfigError, envOfService, loadConfig, SERVICE_NODE_FLAGS, serviceEnv, type LauncherConfig } from './config.js';
import { NATS_INSTALL_HELP, acceptsConnections, chooseNatsPort, findNatsServer, isPortFree, natsServerArgs, natsServerCandidates, natsStoreDir } from './nats.js';
import { prefixer, wantsColor } from './prefix.js';
import { answers200, waitUntil } from './ready.js';
import { discoverServices, type ServiceEntry } from './services.js';
import { Supervisor, type CrashReport, type RestartPolicy, type SupervisorClock } from './supervisor.js';

export interface LauncherOptions {
  /** Repository root: holds services/ and is every child's working directory. */
  root: string;
  env: NodeJS.ProcessEnv;
  /** Relative PLASS_DATA_DIR values resolve against it. */
  cwd: string;
  out: Writable;
  err: Writable;
  color: boolean;
  /** Emits 'stop' (with the signal name) each time the user asks to stop; the second one kills. */
  stopRequests: EventEmitter;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** How crashed services are restarted (tests shorten the delays). */
  restart?: Partial<RestartPolicy>;
  restartClock?: SupervisorClock;
  now?: () => Date;
}

type Interruption = { kind: 'stop'; signal: string } | { kind: 'crash-loop'; report: CrashReport };

const NATS = 'nats';

/** Brings plass up on the embedded defaults and runs it until stopped; resolves the exit code. */
export async function runLauncher(options: LauncherOptions): Promise<number> {
  const say = (line: string) => options.out.write(`${line}\n`);
  const complain = (line: string) => options.err.write(`plass: ${line}\n`);

  let config: LauncherConfig;
  try {
    config = loadConfig(options.env, options.cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    complain(error.message);
    return 1;
  }
  const services = discoverServices(options.root);
  let up = false;
  let crashLoopBeforeUp: (report: CrashReport) => void = () => undefined;
  const supervisor = new Supervisor({
    out: options.out,
    err: options.err,
    prefix: prefixer({
      color: options.color,
      width: Math.max(NATS.length, ...services.map((service) => service.name.length)),
      dim: [NATS],
    }),
    ...(options.stopTimeoutMs ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
    ...(options.restart ? { restart: options.restart } : {}),
    ...(options.restartClock ? { clock: options.restartClock } : {}),
    // Once plass is up a crashed service is restarted however often it crashes: one bad request
    // must not end the system. Before that, a crash loop is almost surely configuration: give up.
    onCrash: (report) => {
      if (report.crashLoop && !up) crashLoopBeforeUp(report);
    },
  });
  const waiting = new AbortController();
  const interrupted = new Promise<Interruption>((resolve) => {
    let requests = 0;
    options.stopRequests.on('stop', (signal: string) => {
      requests += 1;
      if (requests === 1) resolve({ kind: 'stop', signal });
      else {
        complain(`${signal} again: killing everything now`);
        supervisor.kill();
      }
    });
    crashLoopBeforeUp = (report) => resolve({ kind: 'crash-loop', report });
  }).finally(() => waiting.abort());

  const problem = await preflight(options.root, config, services);
  if (problem) {
    complain(problem);
    return 1;
  }
  const natsBin = config.natsUrl ? undefined : findNatsServer(natsServerCandidates(options.env));
  if (!config.natsUrl && !natsBin) {
    options.err.write(`${NATS_INSTALL_HELP}\n`);
    return 1;
  }
  mkdirSync(config.dataDir, { recursive: true });

  const shutDown = async (exitCode: number) => {
    const startedAt = performance.now();
    const stopped = await supervisor.stop();
    say(stoppedLine(stopped, (performance.now() - startedAt) / 1000));
    return exitCode;
  };
  const onInterruption = async (interruption: Interruption) => {
    if (interruption.kind === 'stop') {
      say(`plass: ${interruption.signal} received, stopping…`);
      return shutDown(0);
    }
    complain(`${interruption.report.exit.name} keeps crashing before plass is up (its output above); stopping`);
    return shutDown(1);
  };
  /** Waits for `probe`; on failure says why and shuts down, resolving the exit code. */
  const awaitCondition = async (probe: () => Promise<boolean>, timeoutMs: number, timeoutMessage: string) => {
    if (await waitUntil(probe, { timeoutMs, signal: waiting.signal })) return undefined;
    if (waiting.signal.aborted) return onInterruption(await interrupted);
    complain(`${timeoutMessage}; stopping`);
    return shutDown(1);
  };

  try {
    if (waiting.signal.aborted) return await onInterruption(await interrupted);
    let natsUrl = config.natsUrl;
    if (!natsUrl) {
      const port = await chooseNatsPort(config.natsPort);
      supervisor.start({
        name: NATS,
        command: natsBin!,
        args: natsServerArgs({ port, storeDir: natsStoreDir(config.dataDir) }),
        quiet: config.logLevel !== 'debug' && config.logLevel !== 'trace',
      });
      const failed = await awaitCondition(() => acceptsConnections(port), 15_000, `nats-server did not listen on port ${port} within 15s`);
      if (failed !== undefined) return failed;
      natsUrl = `nats://127.0.0.1:${port}`;
      say(`plass: nats-server listening on ${natsUrl} (JetStream store in ${natsStoreDir(config.dataDir)})`);
    }

    const env = serviceEnv(config, natsUrl, options.env);
    say(`plass: starting ${services.map((service) => service.name).join(', ')}…`);
    for (const service of services) {
      supervisor.start({
        name: service.name,
        command: process.execPath,
        args: [...SERVICE_NODE_FLAGS, service.main],
        env: envOfService(service.name, config, env),
        cwd: options.root,
      });
    }

    const readyz = `http://127.0.0.1:${config.gatewayPort}/readyz`;
    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    const failed = await awaitCondition(() => answers200(readyz), readyTimeoutMs, `the gateway did not answer 200 on ${readyz} within ${Math.round(readyTimeoutMs / 1000)}s`);
    if (failed !== undefined) return failed;

    const baseUrl = `http://localhost:${config.gatewayPort}`;
    say(operatorLine(config.operatorToken, config.operatorTokenGenerated));
    if (config.seedDemo) {
      try {
        const login = await seedDemoTenant({ baseUrl, operatorToken: config.operatorToken, dataDir: config.dataDir });
        say(demoLoginLine(login));
        say(curlExample(baseUrl, options.now?.() ?? new Date(), login));
      } catch (error) {
        complain(`no demo tenant: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    up = true;
    say(upLine({ baseUrl, dataDir: config.dataDir, natsUrl }));
    return await onInterruption(await interrupted);
  } catch (error) {
    complain(error instanceof Error ? error.message : String(error));
    return shutDown(1);
  }
}

async function preflight(root: string, config: LauncherConfig, services: ServiceEntry[]): Promise<string | undefined> {
  if (services.length === 0) return 'no services found (services/*/src/main.ts)';
  const unbuilt = services.filter((service) => !existsSync(service.main)).map((service) => relative(root, service.main));
  if (unbuilt.length) return `not built: ${unbuilt.join(', ')} — run npm run build`;
  if (services.some((service) => service.name === 'gateway') && !(await isPortFree(config.gatewayPort))) {
    return `port ${config.gatewayPort} is already in use; set PLASS_GATEWAY_PORT to a free port`;
  }
  return undefined;
}

/** `npm start`: the launcher wired to this process's signals and terminal. */
export function main(root: string): Promise<number> {
  const stopRequests = new EventEmitter();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => stopRequests.emit('stop', signal));
  }
  return runLauncher({
    root,
    env: process.env,
    cwd: process.cwd(),
    out: process.stdout,
    err: process.stderr,
    color: wantsColor(process.stdout, process.env),
    stopRequests,
  });
}
