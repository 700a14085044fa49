// Plain JavaScript on purpose: it runs on a fresh clone, before any `dist/` exists.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

/** @typedef {import('./build.js').Project} Project */
/** @typedef {import('./build.js').BuildState} BuildState */

/** Every TypeScript project reachable from `configPath` through `references`. */
export function listProjects(configPath) {
  /** @type {Map<string, Project>} */
  const projects = new Map();
  const visit = (/** @type {string} */ path) => {
    if (projects.has(path)) return;
    const json = JSON.parse(readFileSync(path, 'utf8'));
    const dir = dirname(path);
    const options = json.compilerOptions ?? {};
    const isSolution = Array.isArray(json.files) && json.files.length === 0 && !json.include;
    const rootDir = resolve(dir, options.rootDir ?? 'src');
    const outDir = resolve(dir, options.outDir ?? 'dist');
    const configName = basename(path).replace(/\.json$/, '');
    // tsc's own rule: `<outDir>/<rootDir relative to the config dir, inverted>/<config>.tsbuildinfo`.
    const buildInfo = options.tsBuildInfoFile
      ? resolve(dir, options.tsBuildInfoFile)
      : options.outDir
        ? join(outDir, relative(rootDir, dir), `${configName}.tsbuildinfo`)
        : join(dir, `${configName}.tsbuildinfo`);
    projects.set(path, {
      config: path,
      dir,
      rootDir,
      outDir,
      buildInfo,
      hasSources: !isSolution,
      checksOutputs: !json.exclude,
    });
    for (const reference of json.references ?? []) {
      const target = resolve(dir, reference.path);
      visit(target.endsWith('.json') ? target : join(target, 'tsconfig.json'));
    }
  };
  visit(resolve(configPath));
  return [...projects.values()];
}

function* sourceFiles(/** @type {string} */ dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* sourceFiles(path);
    } else if (/\.[cm]?ts$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) {
      yield path;
    }
  }
}

const outputOf = (/** @type {Project} */ project, /** @type {string} */ source) => join(project.outDir, relative(project.rootDir, source)).replace(/\.([cm]?)ts$/, '.$1js');

/**
 * Whether `tsc -b` has work to do. `forget` lists the tsbuildinfo files of projects whose
 * outputs went missing: tsc -b trusts a current tsbuildinfo and would not notice a deleted dist/.
 * @returns {BuildState}
 */
export function buildState(/** @type {string} */ root, configPath = join(root, 'tsconfig.json')) {
  /** @type {string[]} */
  const reasons = [];
  /** @type {string[]} */
  const forget = [];
  for (const project of listProjects(configPath)) {
    if (!project.hasSources) continue;
    if (!existsSync(project.buildInfo)) {
      reasons.push(`${relative(root, project.dir) || '.'} is not built yet`);
      continue;
    }
    const builtAt = statSync(project.buildInfo).mtimeMs;
    if (statSync(project.config).mtimeMs > builtAt) reasons.push(`${relative(root, project.config)} changed`);
    for (const source of sourceFiles(project.rootDir)) {
      if (project.checksOutputs && !existsSync(outputOf(project, source))) {
        reasons.push(`${relative(root, outputOf(project, source))} is missing`);
        forget.push(project.buildInfo);
        break;
      }
      if (statSync(source).mtimeMs > builtAt) reasons.push(`${relative(root, source)} changed`);
    }
  }
  if (reasons.length === 0) return { upToDate: true, reason: 'up to date', forget };
  const more = reasons.length > 1 ? `, +${reasons.length - 1} more` : '';
  return { upToDate: false, reason: `${reasons[0]}${more}`, forget };
}

function tscCommand(/** @type {string} */ root) {
  // TypeScript 7 is installed as @typescript/native: `typescript` is TS 6 for typescript-eslint (ADR 0017).
  const local = join(root, 'node_modules', '@typescript', 'native', 'bin', 'tsc');
  return existsSync(local) ? { command: process.execPath, args: [local] } : { command: 'npx', args: ['tsc'] };
}

/**
 * Runs `tsc -b` over the root solution; its output is kept and handed back, so a successful
 * build stays quiet and a failed one can be shown in full.
 */
export function runBuild(/** @type {string} */ root, { config = 'tsconfig.json', tsc = tscCommand(root) } = {}) {
  return new Promise((resolvePromise) => {
    const args = [...tsc.args, '-b', config];
    const child = spawn(tsc.command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (/** @type {Buffer} */ chunk) => (output += chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => resolvePromise({ ok: false, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolvePromise({ ok: code === 0, output }));
  });
}

/** Builds when anything is stale, showing progress; false when the build failed. */
export async function ensureBuilt(
  /** @type {string} */ root,
  { log = (/** @type {string} */ line) => process.stdout.write(`${line}\n`), config = 'tsconfig.json', tsc = tscCommand(root) } = {},
) {
  const state = buildState(root, join(root, config));
  if (state.upToDate) return true;
  log(`plass: building… (${state.reason})`);
  const startedAt = performance.now();
  for (const buildInfo of state.forget) rmSync(buildInfo, { force: true });
  const result = await runBuild(root, { config, tsc });
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  if (!result.ok) {
    log(result.output.trimEnd());
    log(`plass: build failed after ${seconds}s (tsc -b ${config}); fix the errors above and run again`);
    return false;
  }
  log(`plass: built in ${seconds}s`);
  return true;
}
