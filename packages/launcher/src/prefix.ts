const COLORS = [36, 35, 33, 32, 34, 91, 96, 95] as const;
const DIM = 90;

export interface Prefixer {
  (name: string, line: string): string;
}

/**
 * Prefixes a child's output lines with its name, padded so columns align, and colored per
 * child when `color` (a TTY without NO_COLOR).
 */
export function prefixer(options: { color: boolean; width: number; dim?: readonly string[] }): Prefixer {
  const assigned = new Map<string, number>();
  return (name, line) => {
    const label = `${name.padEnd(options.width)} │`;
    if (!options.color) return `${label} ${line}`;
    let code = assigned.get(name);
    if (code === undefined) {
      code = options.dim?.includes(name) ? DIM : (COLORS[assigned.size % COLORS.length] ?? DIM);
      assigned.set(name, code);
    }
    return `\u001b[${code}m${label}\u001b[0m ${line}`;
  };
}

export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}
