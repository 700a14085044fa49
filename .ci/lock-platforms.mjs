#!/usr/bin/env node
// Records other platforms' optional binary packages (swc, jest's resolver) in package-lock.json.
// The registry mirror of this workplace serves only linux-x64 builds, so `npm install` here leaves
// them out of the lock and `npm ci` then refuses the lock. Run after `npm install` changes the lock:
//   node .ci/lock-platforms.mjs package-lock.json
import { readFileSync, writeFileSync } from 'node:fs';

const OS = { darwin: 'darwin', linux: 'linux', win32: 'win32', windows: 'win32', android: 'android', freebsd: 'freebsd', openharmony: 'openharmony' };
const CPU = { arm64: 'arm64', x64: 'x64', 64: 'x64', ia32: 'ia32', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };

function platformOf(name) {
  const base = name.split('/').pop();
  for (const [key, os] of Object.entries(OS)) {
    const cpu = new RegExp(`(?:^|-)${key}-([a-z0-9]+)`).exec(base)?.[1];
    if (cpu && CPU[cpu]) return { os, cpu: CPU[cpu] };
  }
  return undefined;
}

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const added = [];
for (const meta of Object.values(lock.packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    const platform = platformOf(dep);
    if (lock.packages[key] || !platform || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) continue;
    lock.packages[key] = { version, ...(meta.dev ? { dev: true } : {}), optional: true, os: [platform.os], cpu: [platform.cpu] };
    added.push(dep);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: ${added.length} platform packages recorded`);
