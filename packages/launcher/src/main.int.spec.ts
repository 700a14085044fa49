import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, tempDir, waitFor, type TempDir } from '@plass/testing';
import { runLauncher } from './main.js';
import { acceptsConnections } from './nats.js';
import type { RestartPolicy } from './supervisor.js';

function pidsWhoseCommandLineHas(text: string): number[] {
  return readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    });
}

// Stand-in services (CommonJS, the temp root has no package.json) so the launcher's whole
// start → ready → stop path runs against a real nats-server without the real services.
const privacy = `
  const { appendFileSync, writeFileSync } = require('fs');
  const { join } = require('path');
  writeFileSync(join(process.env.PLASS_DATA_DIR, 'privacy-env.json'), JSON.stringify(process.env));
  if (process.env.FAKE_PRIVACY_CRASH) { console.error('cannot open the key vault'); process.exit(2); }
  process.on('SIGTERM', () => { appendFileSync(join(process.env.PLASS_DATA_DIR, 'stops.log'), 'privacy\\n'); process.exit(0); });
  console.log('key vault open');
  setInterval(() => {}, 1 << 30);`;

const gateway = `
  const { appendFileSync } = require('fs');
  const { join } = require('path');
  const http = require('http');
  const net = require('net');
  const nats = new URL(process.env.NATS_URL);
  const natsUp = () => new Promise((resolve) => {
    const socket = net.connect(Number(nats.port), nats.hostname, () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
  const server = http.createServer(async (req, res) => {
    if (req.url === '/crash') process.exit(7);
    const ready = req.url === '/readyz' && !process.env.FAKE_NEVER_READY && (await natsUp());
    res.writeHead(ready ? 200 : 503).end();
  });
  process.on('SIGTERM', () => server.close(() => {
    appendFileSync(join(process.env.PLASS_DATA_DIR, 'stops.log'), 'gateway\\n');
    process.exit(0);
  }));
  server.listen(Number(process.env.PLASS_GATEWAY_PORT), '127.0.0.1', () => console.log('listening'));`;

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('runLauncher', () => {
  let root: TempDir;

  beforeAll(() => {
    root = tempDir('plass-launcher-');
    for (const [name, source] of Object.entries({ privacy, gateway })) {
      mkdirSync(join(root.path, 'services', name, 'src'), { recursive: true });
      mkdirSync(join(root.path, 'services', name, 'dist'), { recursive: true });
      writeFileSync(join(root.path, 'services', name, 'src', 'main.ts'), '');
      writeFileSync(join(root.path, 'services', name, 'dist', 'main.js'), source);
    }
    mkdirSync(join(root.path, 'services', 'not-a-service'));
  });
  afterAll(() => root.remove());

  async function launch(extraEnv: NodeJS.ProcessEnv = {}, readyTimeoutMs = 20_000, restart?: Partial<RestartPolicy>) {
    const data = join(root.path, `data-${Math.random().toString(36).slice(2)}`);
    const gatewayPort = await freePort();
    const natsPort = await freePort();
    const out = capture();
    const err = capture();
    const stopRequests = new EventEmitter();
    const exitCode = runLauncher({
      root: root.path,
      cwd: root.path,
      env: {
        PATH: process.env.PATH,
        PLASS_DATA_DIR: data,
        PLASS_GATEWAY_PORT: String(gatewayPort),
        PLASS_NATS_PORT: String(natsPort),
        PLASS_CUSTOM: 'passed through',
        // The stand-in gateway serves no tenants; the real stack's seeding is covered in e2e.
        PLASS_SEED_DEMO: 'false',
        ...extraEnv,
      },
      out: out.stream,
      err: err.stream,
      color: false,
      stopRequests,
      readyTimeoutMs,
      stopTimeoutMs: 5000,
      ...(restart ? { restart } : {}),
      now: () => new Date('2030-05-01T12:00:00Z'),
    });
    const stops = () => readFileSync(join(data, 'stops.log'), 'utf8');
    return { data, gatewayPort, natsPort, out, err, stopRequests, exitCode, stops };
  }

  it('starts nats-server and the services, says when plass is up, and stops everything on Ctrl-C', async () => {
    const run = await launch();
    await waitFor(() => run.out.text().includes('plass is up'), { timeoutMs: 20_000, what: 'plass is up' });

    expect(run.out.text()).toContain(`plass is up: http://localhost:${run.gatewayPort} (data in ${run.data}, NATS nats://127.0.0.1:${run.natsPort}) — Ctrl-C stops`);
    expect(run.out.text()).toMatch(/operator token \(generated for this run; set PLASS_OPERATOR_TOKEN to keep one\): [\w-]{32}/);
    expect(run.out.text()).toContain('privacy │ key vault open');
    expect(run.out.text()).toContain('gateway │ listening');
    expect(run.out.text()).toMatch(/plass: starting privacy, gateway…/);
    const env = JSON.parse(readFileSync(join(run.data, 'privacy-env.json'), 'utf8')) as unknown;
    expect(env).toMatchObject({
      NATS_URL: `nats://127.0.0.1:${run.natsPort}`,
      PLASS_DATA_DIR: run.data,
      PLASS_GATEWAY_PORT: String(run.gatewayPort),
      PLASS_LOG_LEVEL: 'info',
      LOG_LEVEL: 'info',
      PLASS_CUSTOM: 'passed through',
    });

    run.stopRequests.emit('stop', 'SIGINT');

    expect(await run.exitCode).toBe(0);
    expect(run.stops()).toBe('gateway\nprivacy\n');
    expect(run.out.text()).toMatch(/plass: SIGINT received, stopping…\nplass stopped \(gateway, privacy, nats\) in \d+\.\ds\n$/);
    expect(await acceptsConnections(run.natsPort)).toBe(false);
    expect(await acceptsConnections(run.gatewayPort)).toBe(false);
    expect(run.err.text()).toBe('');
  }, 30_000);

  it('restarts a service that dies on its own, says so, and serves again; Ctrl-C still stops everything', async () => {
    const run = await launch();
    await waitFor(() => run.out.text().includes('plass is up'), { timeoutMs: 20_000, what: 'plass is up' });

    await fetch(`http://127.0.0.1:${run.gatewayPort}/crash`).catch(() => undefined);

    await waitFor(() => run.err.text().includes('plass: gateway started again (attempt 1)'), { what: 'the gateway restarted' });
    expect(run.err.text()).toMatch(
      /plass: gateway crashed \(exit code 7\) after \d+\.\ds; its last output:\ngateway │ listening\nplass: restarting gateway in 0\.5s \(attempt 1\)\n/,
    );
    await waitFor(async () => (await fetch(`http://127.0.0.1:${run.gatewayPort}/readyz`).catch(() => undefined))?.status === 200, { what: 'ready again' });

    run.stopRequests.emit('stop', 'SIGINT');
    expect(await run.exitCode).toBe(0);
    expect(run.stops()).toBe('gateway\nprivacy\n');
    expect(run.out.text()).toMatch(/plass stopped \(gateway, privacy, nats\) in \d+\.\ds\n$/);
    expect(await acceptsConnections(run.natsPort)).toBe(false);
  }, 30_000);

  it('restarts nats-server when it is killed, on the same port and store', async () => {
    const run = await launch();
    await waitFor(() => run.out.text().includes('plass is up'), { timeoutMs: 20_000, what: 'plass is up' });
    const [nats] = pidsWhoseCommandLineHas(join(run.data, 'nats'));
    expect(nats).toBeDefined();

    process.kill(nats!, 'SIGKILL');

    await waitFor(() => run.err.text().includes('plass: nats started again (attempt 1)'), { what: 'nats restarted' });
    expect(run.err.text()).toContain('plass: nats crashed (killed by SIGKILL)');
    expect(pidsWhoseCommandLineHas(join(run.data, 'nats'))).not.toContain(nats);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${run.gatewayPort}/readyz`).catch(() => undefined))?.status === 200, { what: 'ready again' });

    run.stopRequests.emit('stop', 'SIGTERM');
    expect(await run.exitCode).toBe(0);
    expect(await acceptsConnections(run.natsPort)).toBe(false);
  }, 30_000);

  it('gives up, exit 1, when a service crash-loops before plass is up', async () => {
    const run = await launch({ FAKE_PRIVACY_CRASH: '1', FAKE_NEVER_READY: '1' }, 20_000, { initialDelayMs: 10, crashLoopCrashes: 3 });

    expect(await run.exitCode).toBe(1);
    expect(run.err.text().match(/plass: privacy crashed \(exit code 2\)/g)).toHaveLength(3);
    expect(run.err.text()).toContain('privacy │ cannot open the key vault');
    expect(run.err.text()).toContain('plass: CRASH LOOP: privacy crashed 3 times within 120.0s');
    expect(run.err.text()).toContain('plass: privacy keeps crashing before plass is up (its output above); stopping');
    expect(run.out.text()).not.toContain('plass is up');
    expect(run.stops()).toBe('gateway\n');
    expect(await acceptsConnections(run.natsPort)).toBe(false);
  }, 30_000);

  it('gives up with a clear message when the gateway never gets ready', async () => {
    const run = await launch({ FAKE_NEVER_READY: '1' }, 1000);

    expect(await run.exitCode).toBe(1);
    expect(run.err.text()).toContain(`plass: the gateway did not answer 200 on http://127.0.0.1:${run.gatewayPort}/readyz within 1s; stopping`);
    expect(run.stops()).toBe('gateway\nprivacy\n');
    expect(await acceptsConnections(run.natsPort)).toBe(false);
  }, 30_000);

  it('stops cleanly when asked to before the gateway is ready', async () => {
    const run = await launch({ FAKE_NEVER_READY: '1' });
    await waitFor(() => run.out.text().includes('gateway │ listening'), { timeoutMs: 20_000, what: 'gateway listening' });

    run.stopRequests.emit('stop', 'SIGTERM');

    expect(await run.exitCode).toBe(0);
    expect(run.out.text()).not.toContain('plass is up');
    expect(run.stops()).toBe('gateway\nprivacy\n');
  }, 30_000);

  it('refuses to start when the gateway port is taken, before starting anything', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const run = await launch({ PLASS_GATEWAY_PORT: String(port) });

      expect(await run.exitCode).toBe(1);
      expect(run.err.text()).toBe(`plass: port ${port} is already in use; set PLASS_GATEWAY_PORT to a free port\n`);
      expect(await acceptsConnections(run.natsPort)).toBe(false);
    } finally {
      holder.close();
    }
  });

  it('uses NATS_URL instead of spawning a server', async () => {
    const natsPort = await freePort();
    const fakeNats = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => fakeNats.listen(natsPort, '127.0.0.1', resolve));
    try {
      const run = await launch({ NATS_URL: `nats://127.0.0.1:${natsPort}`, PLASS_NATS_PORT: undefined });
      await waitFor(() => run.out.text().includes('plass is up'), { timeoutMs: 20_000, what: 'plass is up' });
      expect(run.out.text()).toContain(`NATS nats://127.0.0.1:${natsPort})`);
      expect(run.out.text()).not.toContain('nats-server listening');

      run.stopRequests.emit('stop', 'SIGINT');
      expect(await run.exitCode).toBe(0);
      expect(run.out.text()).toMatch(/plass stopped \(gateway, privacy\) in/);
    } finally {
      fakeNats.close();
    }
  }, 30_000);
});
