import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { getPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseNice } from './process-priority.js';

// The built module, in a process of its own: lowering the test runner's priority would outlast the test.
const built = fileURLToPath(new URL('../dist/process-priority.js', import.meta.url));

function niceOfChild(env: NodeJS.ProcessEnv): { status: number | null; nice: number; output: string } {
  const script = `import { applyNice } from ${JSON.stringify(built)}; import { getPriority } from 'node:os';
const warned = []; applyNice(process.env, { warn: (...args) => warned.push(args) }); console.log(JSON.stringify({ nice: getPriority(), warned: warned.length }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  const parsed = child.status === 0 ? (JSON.parse(child.stdout) as { nice: number }) : { nice: NaN };
  return { status: child.status, nice: parsed.nice, output: child.stderr };
}

describe('PLASS_NICE', () => {
  it('lowers the priority of the process that reads it', () => {
    const own = getPriority();
    const wanted = Math.min(19, own + 7);
    expect(niceOfChild({ PLASS_NICE: String(wanted) })).toMatchObject({ status: 0, nice: wanted });
  });

  it('leaves the priority alone when unset', () => {
    expect(niceOfChild({})).toMatchObject({ status: 0, nice: getPriority() });
  });

  it.each(['-1', '20', 'low', '2.5'])('refuses %j with a message naming the variable', (raw) => {
    expect(() => parseNice(raw)).toThrow(/PLASS_NICE must be a whole number from 0 to 19/);
    const child = niceOfChild({ PLASS_NICE: raw });
    expect(child.status).not.toBe(0);
    expect(child.output).toMatch(/PLASS_NICE must be a whole number from 0 to 19/);
  });
});
