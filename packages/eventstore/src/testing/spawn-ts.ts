import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const hooks = new URL('./ts-hooks.mjs', import.meta.url).href;
const registerHooks = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hooks)});`;

/** Runs a TypeScript file of this package in a separate Node process (a real second SQLite client). */
export function spawnTs(file: URL, args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', registerHooks, fileURLToPath(file), ...args]);
}
