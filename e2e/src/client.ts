import type { LocationView, SpaceView, TokenResponse } from '@plass/contracts';

export const OSLO = 'Europe/Oslo';
export const ALL_WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** Minutes east of UTC that `zone` observes at `instant`. */
function offsetMinutes(zone: string, instant: number): number {
  const name = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(instant).find((part) => part.type === 'timeZoneName')!.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/** The local calendar date (YYYY-MM-DD) `days` after `now`'s local date in `zone`. */
export function localDate(zone: string, now: Date, days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** ISO weekday (Monday = 1) of a calendar date. */
export const isoWeekday = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay() || 7;

/**
 * A wall-clock time `days` local days after `now` in `zone`, as ISO 8601 with the zone's offset
 * (`2026-11-24T09:00:00+01:00`), the way a client app in that office would send it.
 */
export function wallClock(zone: string, now: Date, days: number, time: string): string {
  const date = localDate(zone, now, days);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const asUtc = Date.UTC(y, m - 1, d, hh, mm);
  const offset = offsetMinutes(zone, asUtc - offsetMinutes(zone, asUtc) * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${date}T${time}:00${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  /** The raw answer (for CSV and other non-JSON media types). */
  text: string;
}

/** A thin HTTP client for the gateway, as a client app would use it. */
export function gatewayClient(baseUrl: string) {
  const call = async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const json = text !== '' && /json/.test(response.headers.get('content-type') ?? 'application/json');
    return { status: response.status, headers: response.headers, body: json ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
  };

  const login = async (tenantId: string, email: string, password: string): Promise<TokenResponse> => {
    const answer = await call('POST', '/v1/auth/token', { body: { tenantId, email, password } });
    if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as unknown as TokenResponse;
  };

  /** A tenant with an admin, and users of the given roles, each logged in. */
  const tenantWith = async (operatorToken: string, name: string, people: Array<{ email: string; displayName: string; role: string }>) => {
    const password = 'correct horse battery staple';
    const admin = { email: `admin@${name.toLowerCase()}.example`, displayName: `${name} Admin`, password };
    const created = await call('POST', '/v1/tenants', { token: operatorToken, body: { name, admin } });
    if (created.status !== 201) throw new Error(`tenant creation failed: ${created.status} ${JSON.stringify(created.body)}`);
    const { tenantId, adminUserId } = created.body as { tenantId: string; adminUserId: string };
    const adminToken = (await login(tenantId, admin.email, password)).accessToken;
    const users: Record<string, { id: string; token: string; email: string; displayName: string }> = {};
    for (const person of people) {
      const registered = await call('POST', '/v1/users', { token: adminToken, body: { ...person, password } });
      if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${JSON.stringify(registered.body)}`);
      users[person.email] = { id: registered.body.id as string, token: (await login(tenantId, person.email, password)).accessToken, ...person };
    }
    return { tenantId, adminUserId, adminToken, admin, password, users };
  };

  /**
   * A location in Oslo, bookable every weekday unless told otherwise, with the given spaces in it.
   */
  const locationWithSpaces = async (
    adminToken: string,
    spaces: Array<{ name: string; kind: string; floor?: string; zone?: string }>,
    location: { name?: string; timezone?: string; bookableWeekdays?: number[]; capacity?: number } = {},
  ): Promise<{ location: LocationView; spaces: SpaceView[] }> => {
    const body = { name: 'Oslo HQ', timezone: OSLO, bookableWeekdays: ALL_WEEKDAYS, ...location };
    const created = await call('POST', '/v1/locations', { token: adminToken, body });
    if (created.status !== 201) throw new Error(`location creation failed: ${created.status} ${JSON.stringify(created.body)}`);
    const view = created.body as unknown as LocationView;
    const made: SpaceView[] = [];
    for (const space of spaces) {
      const answer = await call('POST', `/v1/locations/${view.id}/spaces`, { token: adminToken, body: space });
      if (answer.status !== 201) throw new Error(`space creation failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      made.push(answer.body as unknown as SpaceView);
    }
    return { location: view, spaces: made };
  };

  return { call, login, tenantWith, locationWithSpaces };
}
