import type { StoppedChild } from './supervisor.js';

/** Fixed ids so the example can be pasted twice and read the same. */
export const EXAMPLE_TENANT = '00000000-0000-4000-8000-00000000a001';
export const EXAMPLE_USER = '00000000-0000-4000-8000-00000000b001';

export function upLine(options: { baseUrl: string; dataDir: string; natsUrl: string }): string {
  return `plass is up: ${options.baseUrl} (data in ${options.dataDir}, NATS ${options.natsUrl}) — Ctrl-C stops`;
}

/**
 * A bash snippet that creates a space and books it for tomorrow 09:00–17:00 UTC with the
 * development headers; the space id is read from the first response.
 */
export function curlExample(baseUrl: string, now: Date): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString().slice(0, 10);
  const headers = [
    'Content-Type: application/json',
    `X-Plass-Tenant: ${EXAMPLE_TENANT}`,
    `X-Plass-User: ${EXAMPLE_USER}`,
    'X-Plass-Roles: admin',
  ];
  const booking = `{"spaceId":"'"$SPACE"'","start":"${day}T09:00:00Z","end":"${day}T17:00:00Z"}`;
  return [
    'try it (bash):',
    `  H=(${headers.map((header) => `-H '${header}'`).join(' ')})`,
    `  SPACE=$(curl -s "\${H[@]}" -d '{"name":"Desk 1","kind":"desk"}' ${baseUrl}/v1/spaces | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).id')`,
    `  curl -s "\${H[@]}" -d '${booking}' ${baseUrl}/v1/bookings`,
  ].join('\n');
}

export function stoppedLine(stopped: readonly StoppedChild[], seconds: number): string {
  const killed = stopped.filter((child) => child.killed).map((child) => child.name);
  const names = stopped.map((child) => child.name).join(', ') || 'nothing was running';
  const note = killed.length ? `; ${killed.join(', ')} did not stop in time and was killed` : '';
  return `plass stopped (${names}) in ${seconds.toFixed(1)}s${note}`;
}
