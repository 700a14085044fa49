import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, tempDir, waitFor, type TempDir } from '@plass/testing';

// `npm start` for real: the bin builds whatever is stale, spawns its own nats-server and
// every service, and must leave nothing behind after Ctrl-C.

const root = fileURLToPath(new URL('../../', import.meta.url));

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** Processes (other than the test's own) whose environment or arguments name the data dir. */
function processesUsing(dataDir: string): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (environ.includes(`PLASS_DATA_DIR=${dataDir}`) || cmdline.includes(dataDir)) pids.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);

describe('npm start', () => {
  let data: TempDir;
  let gatewayPort: number;
  let natsPort: number;
  let launcher: ChildProcess;
  let output = '';
  let exited: Promise<number | null>;
  const baseUrl = () => `http://127.0.0.1:${gatewayPort}`;

  async function demoAdminHeaders(): Promise<Record<string, string>> {
    const [, tenantId, email, password] = /^demo tenant ([\da-f-]{36}): admin (\S+) \/ (\S+)$/m.exec(output)!;
    const login = await fetch(`${baseUrl()}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId, email, password }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    return { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
  }

  async function post(path: string, headers: Record<string, string>, body: unknown): Promise<{ id: string }> {
    const response = await fetch(`${baseUrl()}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string };
  }

  beforeAll(async () => {
    data = tempDir('plass-start-');
    gatewayPort = await freePort();
    natsPort = await freePort();
    const { NATS_URL: _ignored, NODE_ENV: _test, JEST_WORKER_ID: _worker, ...env } = process.env;
    launcher = spawn(process.execPath, ['packages/launcher/bin/plass-start.js'], {
      cwd: root,
      env: {
        ...env,
        PLASS_DATA_DIR: data.path,
        PLASS_GATEWAY_PORT: String(gatewayPort),
        PLASS_NATS_PORT: String(natsPort),
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => launcher.once('exit', (code) => resolve(code)));

    // A fresh checkout builds first; an up-to-date one is ready in a few seconds.
    await waitFor(
      () => {
        if (launcher.exitCode !== null) throw new Error(`npm start exited with ${launcher.exitCode}:\n${output}`);
        return output.includes('plass is up');
      },
      { timeoutMs: 150_000, intervalMs: 50, what: 'plass is up' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- launcher output ---\n${output}`);
    });
  }, 160_000);

  afterAll(async () => {
    if (launcher?.exitCode === null) {
      launcher.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    }
    // Children run in their own process groups: make sure a failed run leaves none behind.
    for (const pid of processesUsing(data.path)) process.kill(pid, 'SIGKILL');
    data.remove();
  }, 30_000);

  it('announces the gateway, the data dir and its own nats-server', () => {
    expect(output).toContain(`plass is up: http://localhost:${gatewayPort} (data in ${data.path}, NATS nats://127.0.0.1:${natsPort}) — Ctrl-C stops`);
    expect(output).toMatch(/^gateway\s+│ /m);
  });

  it('seeds a demo tenant whose admin can log in, create a location and a space, book it and read the booking back', async () => {
    const demo = /^demo tenant ([\da-f-]{36}): admin (\S+) \/ (\S+)$/m.exec(output);
    expect(demo).not.toBeNull();
    const [, tenantId, email, password] = demo!;
    const login = await fetch(`${baseUrl()}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId, email, password }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
    const user = (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

    // Ready means every upstream service answers: the first request is served.
    const locationResponse = await fetch(`${baseUrl()}/v1/locations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'E2E office', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] }),
    });
    expect(locationResponse.status).toBe(201);
    const location = (await locationResponse.json()) as { id: string };
    const spaceResponse = await fetch(`${baseUrl()}/v1/locations/${location.id}/spaces`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Desk E2E', kind: 'desk' }),
    });
    expect(spaceResponse.status).toBe(201);
    const space = (await spaceResponse.json()) as { id: string };

    const day = tomorrow();
    const bookingResponse = await fetch(`${baseUrl()}/v1/bookings`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ spaceId: space.id, start: `${day}T09:00:00Z`, end: `${day}T17:00:00Z` }),
    });
    expect(bookingResponse.status).toBe(201);
    const booking = (await bookingResponse.json()) as { id: string };

    // The read model is eventually consistent: wait for it, not for a fixed time.
    let last = '';
    const readBack = await waitFor(
      async () => {
        const response = await fetch(`${baseUrl()}/v1/bookings/${booking.id}`, { headers: { authorization: headers.authorization } });
        if (response.status === 200) return (await response.json()) as Record<string, unknown>;
        last = `${response.status} ${await response.text()}`;
        return undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50, what: 'the booking to be readable' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last answer: ${last}`);
    });
    expect(readBack).toMatchObject({
      id: booking.id,
      spaceId: space.id,
      status: 'confirmed',
      bookedBy: user,
      start: expect.stringContaining(`${day}T09:00:00`),
    });
  }, 30_000);

  it('prints a curl example that works when pasted into bash', () => {
    const snippet = output
      .split('\n')
      .filter((line) => /^ {2}(TOKEN=|H=|LOCATION=|SPACE=|BOOKING=|until )/.test(line))
      .join('\n');
    expect(snippet.split('\n')).toHaveLength(6);

    const result = spawnSync('bash', ['-c', snippet], { encoding: 'utf8', timeout: 20_000 });

    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'confirmed', kind: 'desk', subject: 'Focus day' });
  }, 30_000);

  it('restarts a service killed with SIGKILL: within seconds the gateway is ready again and a booking succeeds', async () => {
    const headers = await demoAdminHeaders();
    const location = await post('/v1/locations', headers, { name: 'Crash office', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] });
    const space = await post(`/v1/locations/${location.id}/spaces`, headers, { name: 'Desk crash', kind: 'desk' });
    const [booking] = processesUsing(data.path).filter((pid) => commandLine(pid).includes('services/booking/dist/main.js'));
    expect(booking).toBeDefined();

    const killedAt = Date.now();
    process.kill(booking!, 'SIGKILL');

    await waitFor(() => output.includes('plass: booking started again (attempt 1)'), { timeoutMs: 10_000, what: 'booking restarted' });
    expect(output).toMatch(/plass: booking crashed \(killed by SIGKILL\) after \d+\.\ds; its last output:/);
    expect(output).toContain('plass: restarting booking in 0.5s (attempt 1)');
    const day = tomorrow();
    const created = await waitFor(
      async () => {
        const ready = await fetch(`${baseUrl()}/readyz`);
        if (ready.status !== 200) return undefined;
        const response = await fetch(`${baseUrl()}/v1/bookings`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ spaceId: space.id, start: `${day}T10:00:00Z`, end: `${day}T11:00:00Z` }),
        });
        return response.status === 201 ? ((await response.json()) as { id: string }) : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'a booking after the restart' },
    );
    expect(created.id).toEqual(expect.any(String));
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    expect(launcher.exitCode).toBeNull();
  }, 30_000);

  it('restarts nats-server killed with SIGKILL: the services reconnect, a booking succeeds and is read back', async () => {
    const headers = await demoAdminHeaders();
    const location = await post('/v1/locations', headers, { name: 'NATS office', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] });
    const space = await post(`/v1/locations/${location.id}/spaces`, headers, { name: 'Desk nats', kind: 'desk' });
    const [nats] = processesUsing(data.path).filter((pid) => commandLine(pid).startsWith('nats-server') || commandLine(pid).includes('/nats-server'));
    expect(nats).toBeDefined();

    process.kill(nats!, 'SIGKILL');

    await waitFor(() => output.includes('plass: nats started again (attempt 1)'), { timeoutMs: 10_000, what: 'nats restarted' });
    const day = tomorrow();
    const created = await waitFor(
      async () => {
        if ((await fetch(`${baseUrl()}/readyz`)).status !== 200) return undefined;
        const response = await fetch(`${baseUrl()}/v1/bookings`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ spaceId: space.id, start: `${day}T12:00:00Z`, end: `${day}T13:00:00Z` }),
        });
        return response.status === 201 ? ((await response.json()) as { id: string }) : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'a booking after nats-server restarted' },
    );
    // The read model is fed through JetStream: reading it back proves the relay reconnected too.
    await waitFor(async () => (await fetch(`${baseUrl()}/v1/bookings/${created.id}`, { headers: { authorization: headers.authorization! } })).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'the booking to be readable',
    });
  }, 60_000);

  it('stops everything on Ctrl-C and exits 0', async () => {
    launcher.kill('SIGINT');

    expect(await exited).toBe(0);
    expect(output).toMatch(/plass stopped \(gateway, .*nats\) in \d+\.\ds\n$/);
    expect(await listening(gatewayPort)).toBe(false);
    expect(await listening(natsPort)).toBe(false);
    expect(processesUsing(data.path)).toEqual([]);
  }, 30_000);
});
