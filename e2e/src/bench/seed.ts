import { gatewayClient } from '../client.js';

export interface Seeded {
  tenantId: string;
  spaceIds: string[];
  /** Access tokens of the bookers (admins); `refreshTokens` renews them in place. */
  tokens: string[];
  /** The bookers' user ids and logins, in the order of `tokens`. */
  bookerIds: string[];
  bookerEmails: string[];
  password: string;
  /** Employees the bookers book for. */
  peopleIds: string[];
}

const CONCURRENCY = 16;
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

/** Runs `create(i)` for i < count on a few parallel lanes, saying how far it got every 2 s. */
async function inParallel<T>(count: number, what: string, progress: (line: string) => void, create: (i: number) => Promise<T>): Promise<T[]> {
  const made = new Array<T>(count);
  let next = 0;
  let shownAt = Date.now();
  const startedAt = performance.now();
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      made[i] = await create(i);
      if (Date.now() - shownAt > 2000) {
        shownAt = Date.now();
        progress(`bench: ${next} / ${count} ${what} created…`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  progress(`bench: ${count} ${what} created in ${((performance.now() - startedAt) / 1000).toFixed(1)}s`);
  return made;
}

/**
 * One office open every day with `spaces` desks, `people` employees and `bookers` admins who book
 * for them. Booking on behalf spreads the bookings over many people's ledgers, as real traffic
 * does, and admins are exempt from the per-person policy limits a load test would otherwise hit.
 */
export async function seed(options: { url: string; operatorToken: string; spaces: number; people: number; bookers: number; progress: (line: string) => void }): Promise<Seeded> {
  const client = gatewayClient(options.url);
  const admins = Array.from({ length: options.bookers }, (_, i) => ({ email: `booker${i + 1}@bench.example`, displayName: `Bench Booker ${i + 1}`, role: 'admin' }));
  const tenant = await client.tenantWith(options.operatorToken, 'Bench', admins);
  options.progress(`bench: tenant ${tenant.tenantId} with ${options.bookers} bookers logged in`);
  const created = async (path: string, body: unknown): Promise<string> => {
    const answer = await client.call('POST', path, { token: tenant.adminToken, body });
    if (answer.status !== 201) throw new Error(`POST ${path} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.id as string;
  };

  const locationId = await created('/v1/locations', { name: 'Bench Office', timezone: 'Europe/Oslo', bookableWeekdays: EVERY_DAY });
  const spaceIds = await inParallel(options.spaces, 'spaces', options.progress, (i) =>
    created(`/v1/locations/${locationId}/spaces`, { name: `Desk ${i + 1}`, kind: 'desk', floor: String(1 + (i % 10)) }),
  );
  const peopleIds = await inParallel(options.people, 'people', options.progress, (i) =>
    created('/v1/users', { email: `person${i + 1}@bench.example`, displayName: `Bench Person ${i + 1}`, role: 'employee' }),
  );
  const bookers = Object.values(tenant.users);
  return {
    tenantId: tenant.tenantId,
    spaceIds,
    peopleIds,
    tokens: bookers.map((user) => user.token),
    bookerIds: bookers.map((user) => user.id),
    bookerEmails: bookers.map((user) => user.email),
    password: tenant.password,
  };
}

/** Access tokens live 15 minutes: after a long step (the history) the bookers log in again. */
export async function refreshTokens(url: string, seeded: Seeded): Promise<void> {
  const client = gatewayClient(url);
  for (const [i, email] of seeded.bookerEmails.entries()) seeded.tokens[i] = (await client.login(seeded.tenantId, email, seeded.password)).accessToken;
}
