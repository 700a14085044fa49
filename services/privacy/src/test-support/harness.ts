import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Bus } from '@plass/bus';
import type { RequestContext, Role } from '@plass/contracts';
import { createLogger } from '@plass/telemetry';
import { startNats, tempDir, waitFor, type NatsServerHandle, type TempDir } from '@plass/testing';
import { startPrivacyService, type PrivacyService, type PrivacyServiceConfig } from '../privacy-service.js';
import { FakeParticipant, type Person } from './participants.js';

export interface Clock {
  now: Date;
  advance(ms: number): void;
}

export interface PrivacyHarness {
  dir: TempDir;
  nats: NatsServerHandle;
  client: Bus;
  privacy: PrivacyService;
  identity: FakeParticipant;
  booking: FakeParticipant;
  people: Map<string, Person>;
  /** Every call to identity and booking, as `<service> <Request>:<subjectId>`, in the order they arrived. */
  calls: string[];
  masterKey: Buffer;
  /** Lines the privacy service logged, parsed. */
  logs: Array<Record<string, unknown>>;
  /** The privacy service's clock: tests move it instead of sleeping. */
  clock: Clock;
  /** Stops the privacy service and starts it again on the same data (same master key, unless `changes` say otherwise). */
  restart(changes?: Partial<PrivacyServiceConfig>): Promise<void>;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Real NATS and SQLite under one directory, the real privacy service, and stand-ins for identity and booking. */
export async function startPrivacyHarness(overrides: Partial<PrivacyServiceConfig> = {}): Promise<PrivacyHarness> {
  const dir = tempDir('plass-privacy-');
  const nats = await startNats({ storeDir: join(dir.path, 'nats') });
  const masterKey = randomBytes(32);
  const clock: Clock = {
    now: new Date('2030-03-04T07:00:00.000Z'),
    advance(ms) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const logs: Array<Record<string, unknown>> = [];
  const destination = { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) };
  const logger = createLogger({ service: 'privacy', level: 'info', file: join(dir.path, 'logs', 'privacy.log'), destination });
  const start = (changes: Partial<PrivacyServiceConfig> = {}) =>
    startPrivacyService({
      natsUrl: nats.url,
      dataDir: dir.path,
      masterKey,
      logger,
      now: () => clock.now,
      participantTimeoutMs: 1000,
      retry: { initialDelayMs: 60_000 },
      resumeEveryMs: 3_600_000,
      ...overrides,
      ...changes,
    });
  const people = new Map<string, Person>();
  const calls: string[] = [];
  const identity = new FakeParticipant('identity', nats.url, people, calls);
  const booking = new FakeParticipant('booking', nats.url, people, calls);
  await Promise.all([identity.start(), booking.start()]);
  const client = await Bus.connect({ servers: nats.url, name: 'privacy-test-client', requestTimeoutMs: 20_000 });
  const h: PrivacyHarness = {
    dir,
    nats,
    client,
    privacy: await start(),
    identity,
    booking,
    people,
    calls,
    masterKey,
    logs,
    clock,
    async restart(changes) {
      await h.privacy.close();
      h.privacy = await start(changes);
    },
    settle: async () => void (await waitFor(() => h.privacy.settled(), { what: 'privacy read models to catch up', intervalMs: 25 })),
    async stop() {
      await client.close();
      await h.privacy.close();
      await Promise.all([identity.stop(), booking.stop()]);
      await nats.stop();
      dir.remove();
    },
  };
  return h;
}

export const as = (tenantId: string, actorId: string, role: Role): RequestContext => ({ tenantId, actorId, roles: [role], correlationId: randomUUID() });

/** A user the stand-ins know, with personal data that must never reach the disk in clear. */
export function addPerson(h: PrivacyHarness, tenantId: string, role: Role = 'employee'): Person & { ctx: RequestContext } {
  const subjectId = randomUUID();
  const tag = subjectId.slice(0, 8);
  const person: Person = {
    tenantId,
    subjectId,
    email: `kari.nordmann.${tag}@example.test`,
    displayName: `Kari Nordmann ${tag}`,
    bookingTitles: [`Offsite planning with Ola ${tag}`, `Salary talk ${tag}`],
  };
  h.people.set(subjectId, person);
  return { ...person, ctx: as(tenantId, subjectId, role) };
}
