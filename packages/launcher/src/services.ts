import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceEntry {
  name: string;
  /** Absolute path of the compiled entry point. */
  main: string;
}

/** The key vault others call starts first; the gateway, the way in, starts last and stops first. */
const FIRST = ['privacy'];
const LAST = ['gateway'];

export function startOrder(names: readonly string[]): string[] {
  const rank = (name: string) => (FIRST.includes(name) ? 0 : LAST.includes(name) ? 2 : 1);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Every folder under services/ that has a `src/main.ts`, so new services are picked up. */
export function discoverServices(root: string): ServiceEntry[] {
  const dir = join(root, 'services');
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'src', 'main.ts')))
    .map((entry) => entry.name);
  return startOrder(names).map((name) => ({ name, main: join(dir, name, 'dist', 'main.js') }));
}
