import { mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { tempDir, type TempDir } from '@plass/testing';
import { buildState, ensureBuilt } from '../bin/build.js';

// A two-project solution like the repository's, built with the repository's own tsc.
const tsc = { command: process.execPath, args: [fileURLToPath(new URL('../../../node_modules/@typescript/native/bin/tsc', import.meta.url))] };

function project(root: string, name: string, references: string[], source: string) {
  mkdirSync(join(root, name, 'src', 'nested'), { recursive: true });
  writeFileSync(
    join(root, name, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { composite: true, rootDir: 'src', outDir: 'dist', module: 'NodeNext', target: 'ES2022', types: [] },
      include: ['src'],
      references: references.map((path) => ({ path: `../${path}` })),
    }),
  );
  writeFileSync(join(root, name, 'src', 'nested', 'index.ts'), source);
}

describe('ensureBuilt', () => {
  let root: TempDir;
  let log: string[];
  const build = () => ensureBuilt(root.path, { tsc, log: (line) => log.push(line) });

  beforeEach(() => {
    root = tempDir('plass-build-');
    log = [];
    project(root.path, 'lib', [], 'export const answer: number = 42;\n');
    project(root.path, 'app', ['lib'], 'export const main = (): string => "app";\n');
    writeFileSync(join(root.path, 'tsconfig.json'), JSON.stringify({ files: [], references: [{ path: 'lib' }, { path: 'app' }] }));
  });
  afterEach(() => root.remove());

  it('builds a fresh clone, showing progress, and then has nothing to do', async () => {
    expect(buildState(root.path)).toEqual({ upToDate: false, reason: 'lib is not built yet, +1 more', forget: [] });

    expect(await build()).toBe(true);
    expect(log).toEqual(['plass: building… (lib is not built yet, +1 more)', expect.stringMatching(/^plass: built in \d+\.\ds$/)]);
    expect(buildState(root.path).upToDate).toBe(true);

    log = [];
    expect(await build()).toBe(true);
    expect(log).toEqual([]);
  }, 30_000);

  it('rebuilds when a source is newer than its project build, and when an output was deleted', async () => {
    await build();
    // An edit after the build: the project's tsbuildinfo is older than one of its sources.
    const before = (seconds: number) => new Date(Date.now() - seconds * 1000);
    utimesSync(join(root.path, 'app', 'tsconfig.json'), before(120), before(120));
    utimesSync(join(root.path, 'app', 'tsconfig.tsbuildinfo'), before(60), before(60));
    expect(buildState(root.path)).toEqual({ upToDate: false, reason: 'app/src/nested/index.ts changed', forget: [] });
    expect(await build()).toBe(true);
    expect(buildState(root.path).upToDate).toBe(true);

    rmSync(join(root.path, 'lib', 'dist'), { recursive: true });
    // tsc -b alone would call this up to date: its tsbuildinfo is newer than every source.
    expect(buildState(root.path)).toEqual({
      upToDate: false,
      reason: 'lib/dist/nested/index.js is missing',
      forget: [join(root.path, 'lib', 'tsconfig.tsbuildinfo')],
    });
    const appBuiltAt = statSync(join(root.path, 'app', 'dist', 'nested', 'index.js')).mtimeMs;
    expect(await build()).toBe(true);
    expect(buildState(root.path).upToDate).toBe(true);
    // Only the project that lost its outputs is emitted again.
    expect(statSync(join(root.path, 'app', 'dist', 'nested', 'index.js')).mtimeMs).toBe(appBuiltAt);
  }, 30_000);

  it('fails with the compiler output when the code does not compile', async () => {
    writeFileSync(join(root.path, 'lib', 'src', 'nested', 'index.ts'), 'export const answer: number = "forty-two";\n');

    expect(await build()).toBe(false);

    expect(log.join('\n')).toMatch(/TS2322[\s\S]*plass: build failed after \d+\.\ds \(tsc -b tsconfig\.json\)/);
  }, 30_000);
});
