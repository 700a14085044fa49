import type { DemoLogin } from './demo.js';
import type { StoppedChild } from './supervisor.js';

export function upLine(options: { baseUrl: string; dataDir: string; natsUrl: string }): string {
  return `plass is up: ${options.baseUrl} (data in ${options.dataDir}, NATS ${options.natsUrl}) — Ctrl-C stops`;
}

export function operatorLine(token: string, generated: boolean): string {
  return generated ? `operator token (generated for this run; set PLASS_OPERATOR_TOKEN to keep one): ${token}` : 'operator token: from PLASS_OPERATOR_TOKEN';
}

export function demoLoginLine(login: DemoLogin): string {
  return `demo tenant ${login.tenantId}: admin ${login.email} / ${login.password}`;
}

const json = (script: string) => `node -pe '${script}'`;

/** The demo office's zone: the example books in local wall-clock time, as a client app would. */
export const DEMO_TIMEZONE = 'Europe/Oslo';

function offsetAt(zone: string, instant: number): string {
  const name = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(instant).find((part) => part.type === 'timeZoneName')!.value;
  return /[+-]\d{2}:\d{2}/.exec(name)?.[0] ?? '+00:00';
}

/** `time` on the day after `now`'s local date in `zone`, as ISO 8601 with that day's offset. */
export function tomorrowAt(zone: string, now: Date, time: string): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  // The offset at noon of that day: office hours are never inside a DST switch (02:00–03:00).
  return `${day}T${time}:00${offsetAt(zone, Date.parse(`${day}T12:00:00Z`))}`;
}

/**
 * A bash snippet that logs in as the demo admin, creates a location (Oslo, every weekday) with a
 * desk in it, books the desk for tomorrow 09:00–17:00 local time, then reads the booking back.
 */
export function curlExample(baseUrl: string, now: Date, login: DemoLogin): string {
  const credentials = JSON.stringify(login);
  const location = JSON.stringify({ name: 'Demo office', timezone: DEMO_TIMEZONE, bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] });
  const slot = `"start":"${tomorrowAt(DEMO_TIMEZONE, now, '09:00')}","end":"${tomorrowAt(DEMO_TIMEZONE, now, '17:00')}"`;
  const booking = `{"spaceId":"'"$SPACE"'",${slot},"subject":"Focus day"}`;
  const field = (name: string) => json(`JSON.parse(require("fs").readFileSync(0, "utf8")).${name}`);
  return [
    'try it (bash):',
    `  TOKEN=$(curl -s -H 'Content-Type: application/json' -d '${credentials}' ${baseUrl}/v1/auth/token | ${field('accessToken')})`,
    `  H=(-H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN")`,
    `  LOCATION=$(curl -s "\${H[@]}" -d '${location}' ${baseUrl}/v1/locations | ${field('id')})`,
    `  SPACE=$(curl -s "\${H[@]}" -d '{"name":"Desk 1","kind":"desk"}' ${baseUrl}/v1/locations/$LOCATION/spaces | ${field('id')})`,
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
