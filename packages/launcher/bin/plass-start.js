#!/usr/bin/env node
// `npm start`: build what is stale, then run plass on the embedded defaults. Plain JavaScript
// because on a fresh clone nothing under dist/ exists until the build below has run.
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

if (!(await ensureBuilt(root))) process.exit(1);
const { main } = await import('../dist/main.js');
// Exit explicitly: idle keep-alive sockets or timers must not hold a stopped launcher open.
process.exit(await main(root));
