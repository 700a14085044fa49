import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { Bus } from '@plass/bus';
import { startGateway } from '@plass/gateway';
import type { BookingView, ErasureRequestView, ExportRequestView, UserView } from '@plass/contracts';
import { NatsKeyClient } from '@plass/shredder';
import { scanForPlaintext, waitFor } from '@plass/testing';
import { gatewayClient, OSLO, wallClock, type Answer } from './client.js';
import { startSystem, type System } from './system.js';

const DAY = 86_400_000;
const erika = { email: 'erika.eraseme@lind.example', displayName: 'Erika Eraseme', role: 'employee' };
const olga = { email: 'olga.officer@lind.example', displayName: 'Olga Officer', role: 'privacy_officer' };
const colleague = { email: 'per.present@lind.example', displayName: 'Per Present', role: 'employee' };
const subjects = { past: "Erika's retro with Sigrid Nes", future: "Erika's 1:1 with Tor Berg" };

type Client = ReturnType<typeof gatewayClient>;
type Tenant = Awaited<ReturnType<Client['tenantWith']>>;

/** Every document of every service's read model, in a stable order: what a replay must reproduce. */
function projectionDump(dataDir: string): Record<string, Array<{ collection: string; id: string; doc: string }>> {
  const dump: Record<string, Array<{ collection: string; id: string; doc: string }>> = {};
  for (const service of readdirSync(dataDir)) {
    let db: Database.Database;
    try {
      db = new Database(join(dataDir, service, 'read-model.db'), { readonly: true, fileMustExist: true });
    } catch {
      continue;
    }
    try {
      dump[service] = db.prepare('SELECT collection, id, doc FROM projection_documents ORDER BY collection, id').all() as never;
    } finally {
      db.close();
    }
  }
  return dump;
}

/** The vault's rows as they sit in the file: kid → wrapped key bytes. */
function wrappedKeys(dataDir: string): Map<string, Buffer> {
  const db = new Database(join(dataDir, 'privacy', 'keys.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT kid, wrapped_key FROM data_keys').all() as Array<{ kid: string; wrapped_key: Buffer }>;
    return new Map(rows.map((row) => [row.kid, Buffer.from(row.wrapped_key)]));
  } finally {
    db.close();
  }
}

/** The kid that seals the booker of a booking in the booking service's event store. */
function bookerKid(dataDir: string, bookingId: string): string {
  const db = new Database(join(dataDir, 'booking', 'events.db'), { readonly: true });
  try {
    const rows = db.prepare("SELECT data FROM events WHERE type = 'BookingConfirmed'").all() as Array<{ data: string }>;
    const confirmed = rows.map((row) => JSON.parse(row.data) as { bookingId: string; bookedBy: { kid: string } }).find((data) => data.bookingId === bookingId);
    if (!confirmed) throw new Error(`no BookingConfirmed for ${bookingId}`);
    return confirmed.bookedBy.kid;
  } finally {
    db.close();
  }
}

describe('privacy through the gateway: export, erasure, and proof of it', () => {
  let system: System;
  let client: Client;
  let lind: Tenant;
  let spaceId: string;
  const booked: Record<'past' | 'future', BookingView> = {} as never;
  const person = (who: { email: string }) => lind.users[who.email]!;
  const call = (method: string, path: string, bearer: string, body?: unknown) => client.call(method, path, { token: bearer, body });
  const ok = (answer: Answer, status = 200) => {
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
    return answer.body;
  };
  /** A service that cached Erika's booking key and will miss the erasure broadcast. */
  let deafBus: Bus;
  let deafClock = Date.now();
  let deafKeys: NatsKeyClient;

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    lind = await client.tenantWith(system.operatorToken, 'Lind', [erika, olga, colleague]);
    const { spaces } = await client.locationWithSpaces(lind.adminToken, [{ name: 'Desk 1', kind: 'desk' }]);
    spaceId = spaces[0]!.id;
    deafBus = await Bus.connect({ servers: system.natsUrl, name: 'deaf-service' });
    deafKeys = new NatsKeyClient({ request: (...args) => deafBus.request(...args), onBroadcast: () => undefined }, { now: () => deafClock });
  });

  afterAll(async () => {
    await deafBus?.close();
    await system?.stop();
    system?.remove();
  });

  it('Erika books a desk twice; one booking lies in the past by the time she leaves', async () => {
    const at = (days: number, time: string) => wallClock(OSLO, system.bookingNow(), days, time);
    booked.past = ok(await call('POST', '/v1/bookings', person(erika).token, { spaceId, start: at(1, '09:00'), end: at(1, '11:00'), subject: subjects.past }), 201) as never;
    system.advanceBookingClock(2 * DAY);
    booked.future = ok(await call('POST', '/v1/bookings', person(erika).token, { spaceId, start: at(3, '09:00'), end: at(3, '11:00'), subject: subjects.future }), 201) as never;
    ok(await call('POST', '/v1/bookings', person(colleague).token, { spaceId, start: at(4, '09:00'), end: at(4, '11:00') }), 201);
    // The deaf service reads Erika's booking once, so her booking key sits in its cache.
    const kid = bookerKid(system.dataDir, booked.future.id);
    expect((await deafKeys.keysById(lind.tenantId, [kid])).get(kid)).toBeInstanceOf(Buffer);
  });

  it('exports everything plass holds about her as one bundle', async () => {
    const requested = ok(await call('POST', '/v1/privacy/export-requests', person(erika).token, { subjectId: person(erika).id }), 202) as ExportRequestView;
    expect(requested).toMatchObject({ subjectId: person(erika).id, status: 'pending' });
    const done = await waitFor(
      async () => {
        const answer = await call('GET', `/v1/privacy/export-requests/${requested.id}`, person(erika).token);
        return answer.body.status === 'completed' ? (answer.body as unknown as ExportRequestView) : undefined;
      },
      { what: 'the export to complete' },
    );
    const bundle = done.bundle!;
    expect(bundle).toMatchObject({ format: 'plass-export/v1', subjectId: person(erika).id, profile: { email: erika.email, displayName: erika.displayName } });
    expect(bundle.answeredBy).toEqual(expect.arrayContaining(['identity', 'booking', 'privacy']));
    expect(bundle.bookings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: booked.past.id, subject: subjects.past }),
        expect.objectContaining({ id: booked.future.id, subject: subjects.future }),
      ]),
    );
    expect(JSON.stringify(bundle)).not.toContain('scrypt');
  });

  let erasure: ErasureRequestView;
  let vaultBefore: Map<string, Buffer>;

  it('erases her on a privacy officer’s request, with a receipt from every service', async () => {
    vaultBefore = wrappedKeys(system.dataDir);
    const requested = ok(await call('POST', '/v1/privacy/erasure-requests', person(olga).token, { subjectId: person(erika).id }), 202) as ErasureRequestView;
    expect(requested).toMatchObject({ status: 'pending', subjectId: person(erika).id });
    erasure = await waitFor(
      async () => {
        const answer = await call('GET', `/v1/privacy/erasure-requests/${requested.id}`, person(olga).token);
        return answer.body.status === 'completed' ? (answer.body as unknown as ErasureRequestView) : undefined;
      },
      { what: 'the erasure to complete' },
    );
    expect(Object.keys(erasure.receipts).sort()).toEqual(['analytics', 'booking', 'identity', 'notification', 'privacy']);
    expect(erasure.completedAt).not.toBeNull();
  });

  it('leaves her bookings with their times and space, cancelled where they lay ahead, and the booker redacted', async () => {
    const read = async (id: string) => ok(await call('GET', `/v1/bookings/${id}`, lind.adminToken)) as unknown as BookingView;
    const past = await read(booked.past.id);
    const future = await read(booked.future.id);
    expect(past).toMatchObject({ spaceId, start: booked.past.start, end: booked.past.end, bookedBy: null, subject: null });
    expect(past.redacted).toEqual(expect.arrayContaining(['bookedBy', 'subject']));
    expect(future).toMatchObject({ spaceId, start: booked.future.start, end: booked.future.end, status: 'cancelled', bookedBy: null, subject: null });
    const user = ok(await call('GET', `/v1/users/${person(erika).id}`, lind.adminToken)) as unknown as UserView;
    expect(user).toMatchObject({ email: null, displayName: null, status: 'deactivated' });
    const login = await client.call('POST', '/v1/auth/token', { body: { tenantId: lind.tenantId, email: erika.email, password: lind.password } });
    expect(login.status).toBe(401);
  });

  it('lets nobody book for her again, not even with her access token that has not expired yet', async () => {
    const at = (days: number, time: string) => wallClock(OSLO, system.bookingNow(), days, time);
    const slot = { spaceId, start: at(5, '09:00'), end: at(5, '10:00') };
    const herself = await call('POST', '/v1/bookings', person(erika).token, slot);
    expect({ status: herself.status, code: herself.body.code }).toEqual({ status: 410, code: 'privacy.subject_erased' });
    const forHer = await call('POST', '/v1/bookings', lind.adminToken, { ...slot, onBehalfOf: person(erika).id });
    expect({ status: forHer.status, code: forHer.body.code }).toEqual({ status: 404, code: 'user.not_found' });
  });

  it('answers her still-valid access token 410 on every route, also on a gateway replica started after the erasure', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/v1/me'],
      ['GET', `/v1/bookings?from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`],
      ['GET', '/v1/privacy/policy'],
      ['GET', '/v1/locations'],
    ];
    const replica = await startGateway({ natsUrl: system.natsUrl, port: 0, host: '127.0.0.1' });
    try {
      for (const base of [system.url, replica.url]) {
        for (const [method, path] of routes) {
          const answer = await waitFor(
            async () => {
              const tried = await gatewayClient(base).call(method, path, { token: person(erika).token });
              return tried.status === 410 ? tried : undefined;
            },
            { what: `410 on ${method} ${path.split('?')[0]!}` },
          );
          expect(answer.body.code).toBe('privacy.subject_erased');
        }
      }
      // Her colleagues' tokens work as before.
      expect((await gatewayClient(replica.url).call('GET', '/v1/me', { token: person(olga).token })).status).toBe(200);
    } finally {
      await replica.close();
    }
  });

  it('a service that missed the broadcast stops decrypting once its cached key expires (30 s bound)', async () => {
    const kid = bookerKid(system.dataDir, booked.future.id);
    expect((await deafKeys.keysById(lind.tenantId, [kid])).get(kid)).toBeInstanceOf(Buffer);
    deafClock += 30_001;
    expect((await deafKeys.keysById(lind.tenantId, [kid])).get(kid)).toBeNull();
  });

  it('replaying every projection from the event stores gives the same state', async () => {
    await waitFor(async () => (await system.booking.settled()) && (await system.identity.settled()) && (await system.privacy.settled()), { what: 'projections to settle' });
    const before = projectionDump(system.dataDir);
    expect(Object.keys(before).sort()).toEqual(['booking', 'identity', 'privacy']);
    await system.booking.rebuildReadModel();
    await system.identity.rebuildReadModel();
    await system.privacy.rebuildReadModel();
    expect(projectionDump(system.dataDir)).toEqual(before);
  });

  it('leaves no e-mail, name, booking subject or wrapped key of hers in any store under PLASS_DATA_DIR', async () => {
    const destroyed = [...vaultBefore].filter(([kid]) => !wrappedKeys(system.dataDir).has(kid)).map(([, wrapped]) => wrapped);
    // Her profile key and a booking key for each day she booked.
    expect(destroyed.length).toBeGreaterThanOrEqual(3);
    await deafBus.close();
    await system.stop();
    const hits = scanForPlaintext(system.dataDir, [erika.email, erika.displayName, subjects.past, subjects.future, ...destroyed]);
    expect(hits).toEqual([]);
    // The scan sees every store: the location's name, not personal, is there in clear.
    const seen = new Set(scanForPlaintext(system.dataDir, ['Oslo HQ']).map((hit) => hit.file.split('/')[0]));
    expect([...seen].sort()).toEqual(expect.arrayContaining(['booking', 'nats']));
  });
});
