import type { DemoLogin } from './demo.js';
import type { StoppedChild } from './supervisor.js';

export function upLine(options: { baseUrl: string; dataDir: string; natsUrl: string }): string {
  return `plass is up: ${options.baseUrl} (data in ${options.dataDir}, NATS ${options.natsUrl}) — Ctrl-C stops`;
}

export function operatorLine(token: string, generated: boolean): string {
  return generated
    ? `operator token (generated for this run; set PLASS_OPERATOR_TOKEN to keep one): ${token}`
    : 'operator token: from PLASS_OPERATOR_TOKEN';
}

export function demoLoginLine(login: DemoLogin): string {
  return `demo tenant ${login.tenantId}: admin ${login.email} / ${login.password}`;
}

const json = (script: string) => `node -pe '${script}'`;

/**
 * A bash snippet that logs in as the demo admin, creates a space and books it for tomorrow
 * 09:00–17:00 UTC, then reads the booking back.
 */
export function curlExample(baseUrl: string, now: Date, login: DemoLogin): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString().slice(0, 10);
  const credentials = JSON.stringify(login);
  const booking = `{"spaceId":"'"$SPACE"'","start":"${day}T09:00:00Z","end":"${day}T17:00:00Z","subject":"Focus day"}`;
  const field = (name: string) => json(`JSON.parse(require("fs").readFileSync(0, "utf8")).${name}`);
  return [
    'try it (bash):',
    `  TOKEN=$(curl -s -H 'Content-Type: application/json' -d '${credentials}' ${baseUrl}/v1/auth/token | ${field('accessToken')})`,
    `  H=(-H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN")`,
    `  SPACE=$(curl -s "\${H[@]}" -d '{"name":"Desk 1","kind":"desk"}' ${baseUrl}/v1/spaces | ${field('id')})`,
    `  BOOKING=$(curl -s "\${H[@]}" -d '${booking}' ${baseUrl}/v1/bookings | ${field('id')})`,
    // The read model is eventually consistent: poll until the booking is readable.
    `  until curl -sf "\${H[@]}" ${baseUrl}/v1/bookings/$BOOKING; do sleep 0.1; done`,
  ].join('\n');
}

export function stoppedLine(stopped: readonly StoppedChild[], seconds: number): string {
  const killed = stopped.filter((child) => child.killed).map((child) => child.name);
  const names = stopped.map((child) => child.name).join(', ') || 'nothing was running';
  const note = killed.length ? `; ${killed.join(', ')} did not stop in time and was killed` : '';
  return `plass stopped (${names}) in ${seconds.toFixed(1)}s${note}`;
}
