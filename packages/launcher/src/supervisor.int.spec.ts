import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tempDir, waitFor, type TempDir } from '@plass/testing';
import { prefixer } from './prefix.js';
import { Supervisor, type CrashReport, type RestartPolicy, type SupervisorClock } from './supervisor.js';

// Throwaway children (CommonJS: the temp dir has no package.json).
const scripts = {
  polite: `
    const [name, log] = process.argv.slice(2);
    process.on('SIGTERM', () => {
      require('fs').appendFileSync(log, name + '\\n');
      process.stdout.write('bye from ' + name);
      process.exit(0);
    });
    process.stdout.write('hello\\nworld\\n');
    process.stderr.write('oops\\n');
    console.log('ready');
    setInterval(() => {}, 1 << 30);`,
  stubborn: `
    process.on('SIGTERM', () => console.log('not stopping'));
    console.log('ready');
    setInterval(() => {}, 1 << 30);`,
  crasher: `
    console.log('starting up');
    console.error('boom');
    process.exit(3);`,
  // Exits 5 on its first N starts (N = argv[3]), then stays up.
  flaky: `
    const fs = require('fs');
    const [counter, failures] = process.argv.slice(2);
    const starts = fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0;
    fs.writeFileSync(counter, String(starts + 1));
    if (starts < Number(failures)) process.exit(5);
    console.log('up ' + process.pid);
    setInterval(() => {}, 1 << 30);`,
};

/** Restart timers fired by hand, on a clock that moves only when told. */
function manualClock(): SupervisorClock & { advance(ms: number): void; fire(): void; pending(): number[] } {
  let now = 0;
  const timers: { ms: number; callback: () => void; done: boolean }[] = [];
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      const timer = { ms, callback, done: false };
      timers.push(timer);
      return timer;
    },
    clearTimeout: (handle) => {
      (handle as { done: boolean }).done = true;
    },
    advance: (ms) => {
      now += ms;
    },
    fire: () => {
      const timer = timers.find((candidate) => !candidate.done);
      if (!timer) throw new Error('no restart pending');
      timer.done = true;
      now += timer.ms;
      timer.callback();
    },
    pending: () => timers.filter((timer) => !timer.done).map((timer) => timer.ms),
  };
}

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('Supervisor', () => {
  let dir: TempDir;
  const script = (name: keyof typeof scripts) => join(dir.path, `${name}.js`);

  beforeAll(() => {
    dir = tempDir('plass-supervisor-');
    for (const [name, source] of Object.entries(scripts)) writeFileSync(join(dir.path, `${name}.js`), source);
  });
  afterAll(() => dir.remove());

  function setup(options: { stopTimeoutMs?: number; restart?: Partial<RestartPolicy> } = {}) {
    const out = capture();
    const err = capture();
    const clock = manualClock();
    const reports: CrashReport[] = [];
    const supervisor = new Supervisor({
      out: out.stream,
      err: err.stream,
      prefix: prefixer({ color: false, width: 7 }),
      stopTimeoutMs: options.stopTimeoutMs ?? 5000,
      clock,
      onCrash: (report) => reports.push(report),
      ...(options.restart ? { restart: options.restart } : {}),
    });
    return { supervisor, out, err, clock, reports };
  }
  const crasher = (name: string) => ({ name, command: process.execPath, args: [script('crasher')] });
  const polite = (name: string, log: string) => ({ name, command: process.execPath, args: [script('polite'), name, log] });

  it('prefixes every output line with the child name, stderr to err, including a last unterminated line', async () => {
    const { supervisor, out, err } = setup();
    supervisor.start(polite('a', join(dir.path, 'prefix.log')));
    await waitFor(() => out.text().includes('a       │ ready'), { what: 'a ready' });

    await supervisor.stop();

    expect(out.text()).toBe('a       │ hello\na       │ world\na       │ ready\na       │ bye from a\n');
    expect(err.text()).toBe('a       │ oops\n');
  });

  it('stops children last-started first, each once, and reports no crash', async () => {
    const log = join(dir.path, 'order.log');
    const { supervisor, out, reports } = setup();
    for (const name of ['privacy', 'booking', 'gateway']) supervisor.start(polite(name, log));
    await waitFor(() => (out.text().match(/│ ready/g) ?? []).length === 3, { what: 'all ready' });

    const stopped = await supervisor.stop();

    expect(readFileSync(log, 'utf8')).toBe('gateway\nbooking\nprivacy\n');
    expect(stopped).toEqual([
      { name: 'gateway', code: 0, signal: null, killed: false },
      { name: 'booking', code: 0, signal: null, killed: false },
      { name: 'privacy', code: 0, signal: null, killed: false },
    ]);
    expect(reports).toEqual([]);
    expect(supervisor.isRunning('gateway')).toBe(false);
  });

  it('restarts a child that exits on its own, the delay doubling up to the maximum, saying so each time', async () => {
    const { supervisor, err, clock, reports } = setup({ restart: { initialDelayMs: 500, maxDelayMs: 2000 } });
    supervisor.start(crasher('booking'));

    const delays: number[] = [];
    for (let crash = 1; crash <= 4; crash++) {
      await waitFor(() => reports.length === crash, { what: `crash ${crash}` });
      delays.push(reports[crash - 1]!.delayMs);
      clock.fire();
    }

    expect(delays).toEqual([500, 1000, 2000, 2000]);
    expect(reports.map((report) => report.attempt)).toEqual([1, 2, 3, 4]);
    expect(reports[0]!.exit).toEqual({ name: 'booking', code: 3, signal: null });
    expect(err.text()).toContain(
      'plass: booking crashed (exit code 3) after 0.0s; its last output:\nbooking │ starting up\nbooking │ boom\nplass: restarting booking in 0.5s (attempt 1)\n',
    );
    expect(err.text()).toContain('plass: booking started again (attempt 1)\n');
    expect(err.text()).toContain('plass: restarting booking in 2.0s (attempt 4)\n');
    await waitFor(() => reports.length === 5, { what: 'the fifth crash' });
    await supervisor.stop();
  });

  it('starts the backoff over once a child has run healthy for a while, and names the signal that killed it', async () => {
    const counter = join(dir.path, 'flaky.count');
    const { supervisor, out, err, clock, reports } = setup({ restart: { initialDelayMs: 500, healthyAfterMs: 60_000 } });
    supervisor.start({ name: 'booking', command: process.execPath, args: [script('flaky'), counter, '2'] });
    for (let crash = 1; crash <= 2; crash++) {
      await waitFor(() => reports.length === crash, { what: `crash ${crash}` });
      clock.fire();
    }
    const pid = Number(await waitFor(() => /booking │ up (\d+)/.exec(out.text())?.[1], { what: 'booking up' }));
    expect(reports.map((report) => report.delayMs)).toEqual([500, 1000]);

    clock.advance(60_000);
    process.kill(pid, 'SIGKILL');

    await waitFor(() => reports.length === 3, { what: 'the third crash' });
    expect(reports[2]).toMatchObject({ exit: { name: 'booking', code: null, signal: 'SIGKILL' }, attempt: 1, delayMs: 500 });
    expect(err.text()).toContain('plass: booking crashed (killed by SIGKILL) after 60.');
    await supervisor.stop();
  });

  it('reports a crash loop loudly once a child crashes often enough within the window, and keeps restarting it', async () => {
    const { supervisor, err, clock, reports } = setup({ restart: { initialDelayMs: 100, crashLoopCrashes: 3, crashLoopWindowMs: 10_000 } });
    supervisor.start(crasher('booking'));
    for (let crash = 1; crash <= 3; crash++) {
      await waitFor(() => reports.length === crash, { what: `crash ${crash}` });
      if (crash < 3) clock.fire();
    }

    expect(reports.map((report) => report.crashLoop)).toEqual([false, false, true]);
    expect(reports[2]!.recentCrashes).toBe(3);
    expect(err.text().match(/CRASH LOOP/g)).toHaveLength(1);
    expect(err.text()).toContain(
      'plass: CRASH LOOP: booking crashed 3 times within 10.0s; it keeps being restarted, at most 30.0s apart, until it stays up or plass is stopped\nplass: restarting booking in 0.4s (attempt 3)\n',
    );

    clock.advance(20_000);
    clock.fire();
    await waitFor(() => reports.length === 4, { what: 'a crash after the window' });
    expect(reports[3]).toMatchObject({ crashLoop: false, recentCrashes: 1 });
    await supervisor.stop();
  });

  it('drops a pending restart when stopped, and stops the rest in order', async () => {
    const log = join(dir.path, 'pending.log');
    const { supervisor, out, clock, reports } = setup();
    supervisor.start(polite('privacy', log));
    await waitFor(() => out.text().includes('privacy │ ready'), { what: 'privacy ready' });
    supervisor.start(crasher('booking'));
    await waitFor(() => reports.length === 1, { what: 'booking crashed' });
    expect(clock.pending()).toHaveLength(1);
    expect(supervisor.isRunning('privacy')).toBe(true);

    expect(await supervisor.stop()).toEqual([{ name: 'privacy', code: 0, signal: null, killed: false }]);

    expect(clock.pending()).toEqual([]);
    expect(readFileSync(log, 'utf8')).toBe('privacy\n');
    expect(supervisor.isRunning('booking')).toBe(false);
  });

  it('keeps a quiet child to itself until it dies unexpectedly, then shows its last lines', async () => {
    const { supervisor, out, err, reports } = setup();
    supervisor.start({ ...crasher('nats'), quiet: true });

    await waitFor(() => reports.length === 1, { what: 'nats crashed' });

    expect(out.text()).toBe('');
    expect(err.text()).toBe('plass: nats crashed (exit code 3) after 0.0s; its last output:\nnats    │ starting up\nnats    │ boom\nplass: restarting nats in 0.5s (attempt 1)\n');
    await supervisor.stop();
  });

  it('SIGKILLs a child that ignores SIGTERM once the stop timeout passes', async () => {
    const { supervisor, out } = setup({ stopTimeoutMs: 300 });
    supervisor.start({ name: 'stubborn', command: process.execPath, args: [script('stubborn')] });
    await waitFor(() => out.text().includes('ready'), { what: 'stubborn ready' });

    const [stopped] = await supervisor.stop();

    expect(stopped).toEqual({ name: 'stubborn', code: null, signal: 'SIGKILL', killed: true });
    expect(out.text()).toContain('not stopping');
  });

  it('reports a command that cannot be started as a crash, and tries again', async () => {
    const { supervisor, clock, reports } = setup();
    supervisor.start({ name: 'ghost', command: join(dir.path, 'no-such-binary'), args: [] });

    await waitFor(() => reports.length === 1, { what: 'ghost crashed' });
    expect(reports[0]!.exit.error).toMatch(/could not start: .*ENOENT/);
    clock.fire();
    await waitFor(() => reports.length === 2, { what: 'ghost crashed again' });

    expect(await supervisor.stop()).toEqual([]);
  });
});
