import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tempDir, waitFor, type TempDir } from '@plass/testing';
import { prefixer } from './prefix.js';
import { Supervisor, type ChildExit } from './supervisor.js';

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
};

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

  function setup(stopTimeoutMs = 5000) {
    const out = capture();
    const err = capture();
    const supervisor = new Supervisor({
      out: out.stream,
      err: err.stream,
      prefix: prefixer({ color: false, width: 7 }),
      stopTimeoutMs,
    });
    let crash: ChildExit | undefined;
    void supervisor.crashed.then((exit) => (crash = exit));
    return { supervisor, out, err, crash: () => crash };
  }
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
    const { supervisor, out, crash } = setup();
    for (const name of ['privacy', 'booking', 'gateway']) supervisor.start(polite(name, log));
    await waitFor(() => (out.text().match(/│ ready/g) ?? []).length === 3, { what: 'all ready' });

    const stopped = await supervisor.stop();

    expect(readFileSync(log, 'utf8')).toBe('gateway\nbooking\nprivacy\n');
    expect(stopped).toEqual([
      { name: 'gateway', code: 0, signal: null, killed: false },
      { name: 'booking', code: 0, signal: null, killed: false },
      { name: 'privacy', code: 0, signal: null, killed: false },
    ]);
    expect(crash()).toBeUndefined();
    expect(supervisor.isRunning('gateway')).toBe(false);
  });

  it('reports the first child that dies on its own, with its exit code, and leaves the rest to stop()', async () => {
    const log = join(dir.path, 'crash.log');
    const { supervisor, out, err } = setup();
    supervisor.start(polite('privacy', log));
    await waitFor(() => out.text().includes('privacy │ ready'), { what: 'privacy ready' });
    supervisor.start({ name: 'booking', command: process.execPath, args: [script('crasher')] });

    const exit = await supervisor.crashed;

    expect(exit).toEqual({ name: 'booking', code: 3, signal: null });
    expect(err.text()).toContain('booking │ boom');
    expect(supervisor.isRunning('privacy')).toBe(true);
    expect(await supervisor.stop()).toEqual([{ name: 'privacy', code: 0, signal: null, killed: false }]);
    expect(readFileSync(log, 'utf8')).toBe('privacy\n');
  });

  it('keeps a quiet child to itself until it dies unexpectedly, then shows its last lines', async () => {
    const { supervisor, out, err } = setup();
    supervisor.start({ name: 'nats', command: process.execPath, args: [script('crasher')], quiet: true });

    await supervisor.crashed;

    expect(out.text()).toBe('');
    expect(err.text()).toBe('nats    │ starting up\nnats    │ boom\n');
  });

  it('SIGKILLs a child that ignores SIGTERM once the stop timeout passes', async () => {
    const { supervisor, out } = setup(300);
    supervisor.start({ name: 'stubborn', command: process.execPath, args: [script('stubborn')] });
    await waitFor(() => out.text().includes('ready'), { what: 'stubborn ready' });

    const [stopped] = await supervisor.stop();

    expect(stopped).toEqual({ name: 'stubborn', code: null, signal: 'SIGKILL', killed: true });
    expect(out.text()).toContain('not stopping');
  });

  it('reports a command that cannot be started as a crash', async () => {
    const { supervisor } = setup();
    supervisor.start({ name: 'ghost', command: join(dir.path, 'no-such-binary'), args: [] });

    const exit = await supervisor.crashed;

    expect(exit.name).toBe('ghost');
    expect(exit.error).toMatch(/could not start: .*ENOENT/);
    expect(await supervisor.stop()).toEqual([]);
  });
});
