import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import {
  CancelBooking,
  ChangeNotificationPreferences,
  ChangeNotificationSettings,
  CheckInBooking,
  CreateBooking,
  CreateLocation,
  CreateSpace,
  EditBooking,
  GetBookingCalendar,
  GetErasureRequest,
  ListMyNotifications,
  ListNotifications,
  RequestErasure,
  exportSubject,
  type RequestContext,
} from '@plass/contracts';
import { openSqliteProjectionStore } from '@plass/projections';
import { scanForPlaintext, waitFor } from '@plass/testing';
import { MAIL_CONTENTS, MAILS, OUTBOX_WRITER, type MailContentDocument, type MailDocument } from './outbox.js';
import { as, createTenant, registerUser, startNotificationHarness, type NotificationHarness, type ReceivedMail, type TestTenant } from './test-support/harness.js';

const MINUTE = 60_000;

function calendarOf(mail: ReceivedMail) {
  const part = mail.parsed.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'));
  const text = part ? part.content.toString('utf8') : undefined;
  if (!text) return undefined;
  const component = ICAL.Component.fromString(text);
  const event = component.getFirstSubcomponent('vevent')!;
  return {
    method: component.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: Number(event.getFirstPropertyValue('sequence') ?? 0),
    start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
    end: (event.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate().toISOString(),
  };
}

describe('notification', () => {
  let h: NotificationHarness;
  let tenant: TestTenant;
  let spaceId: string;
  let officer: RequestContext;

  const mailsTo = (address: string) => [...h.primary.received, ...h.secondary.received].filter((mail) => mail.to.includes(address));
  const kindOf = (mail: ReceivedMail) => String(mail.parsed.messageId ?? '').replace(/^<[^.]+\.(.+)@plass>$/, '$1');

  beforeAll(async () => {
    h = await startNotificationHarness();
    tenant = await createTenant(h);
    const location = await h.client.request(CreateLocation, { name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] }, tenant.admin);
    spaceId = (await h.client.request(CreateSpace, { locationId: location.id, name: 'Desk 4.12', kind: 'desk', floor: '4' }, tenant.admin)).id;
    const po = await registerUser(h, tenant, 'Petra Officer', { role: 'privacy_officer' });
    officer = po.ctx;
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('invites a user created without a password, confirms a booking in their language with a calendar request, reminds before start and sends the cancellation with the same UID', async () => {
    const person = await registerUser(h, tenant, 'Kari Nordmann', { locale: 'nb' });
    const start = '2030-03-04T09:00:00.000Z';
    const booking = await h.client.request(CreateBooking, { spaceId, start, end: '2030-03-04T12:00:00.000Z' }, person.ctx);
    await h.deliver();

    const invitation = mailsTo(person.email).find((mail) => kindOf(mail) === 'user.invited');
    expect(invitation?.parsed.text).toMatch(/https:\/\/plass\.example\/set-password#token=/);
    const confirmation = mailsTo(person.email).find((mail) => kindOf(mail) === 'booking.confirmed')!;
    expect(confirmation.provider).toBe('primary');
    expect(confirmation.parsed.messageId).toBe(`<${confirmation.parsed.messageId!.slice(1, -1)}>`);
    // Oslo is UTC+1 in March: 09:00Z is 10:00 local, written the Norwegian way.
    expect(confirmation.parsed.text).toContain('10:00');
    expect(confirmation.parsed.text).toContain('Desk 4.12');
    expect(confirmation.parsed.html).toContain('Desk 4.12');
    expect(calendarOf(confirmation)).toEqual({ method: 'REQUEST', uid: `${booking.id}@plass`, sequence: 0, start, end: '2030-03-04T12:00:00.000Z' });

    h.clock.set('2030-03-04T08:44:00Z');
    await h.deliver();
    expect(mailsTo(person.email).filter((mail) => kindOf(mail) === 'booking.reminder')).toEqual([]);
    h.clock.set('2030-03-04T08:45:00Z');
    await h.deliver();
    expect(mailsTo(person.email).filter((mail) => kindOf(mail) === 'booking.reminder')).toHaveLength(1);

    await h.client.request(CancelBooking, { bookingId: booking.id }, person.ctx);
    await h.deliver();
    const cancellation = mailsTo(person.email).find((mail) => kindOf(mail) === 'booking.cancelled')!;
    expect(calendarOf(cancellation)).toMatchObject({ method: 'CANCEL', uid: `${booking.id}@plass`, sequence: 1 });

    const log = await h.client.request(ListMyNotifications, { limit: 50 }, person.ctx);
    expect(log.items.map((entry) => [entry.kind, entry.status, entry.provider])).toEqual([
      ['user.invited', 'sent', 'primary'],
      ['booking.confirmed', 'sent', 'primary'],
      ['booking.reminder', 'sent', 'primary'],
      ['booking.cancelled', 'sent', 'primary'],
    ]);
    expect(JSON.stringify(log)).not.toContain(person.email);
  });

  it('sends no reminder for a booking checked in before its time, nor for one whose booker turned reminders off', async () => {
    h.clock.set('2030-03-05T06:00:00Z');
    const early = await registerUser(h, tenant, 'Early Bird');
    const quiet = await registerUser(h, tenant, 'Quiet Person');
    await h.client.request(ChangeNotificationPreferences, { reminders: false }, quiet.ctx);
    const first = await h.client.request(CreateBooking, { spaceId, start: '2030-03-05T08:00:00.000Z', end: '2030-03-05T09:00:00.000Z' }, early.ctx);
    await h.client.request(CreateBooking, { spaceId, start: '2030-03-05T10:00:00.000Z', end: '2030-03-05T11:00:00.000Z' }, quiet.ctx);
    await h.deliver();
    h.clock.set('2030-03-05T08:00:00Z');
    await h.client.request(CheckInBooking, { bookingId: first.id }, early.ctx);
    h.clock.set('2030-03-05T12:00:00Z');
    await h.deliver();
    expect(mailsTo(early.email).map(kindOf).sort()).toEqual(['booking.confirmed', 'user.invited']);
    expect(mailsTo(quiet.email).map(kindOf).sort()).toEqual(['booking.confirmed', 'user.invited']);
  });

  it('sends nothing twice when every event is delivered again to a restarted service, and keeps reminders across the restart', async () => {
    h.clock.set('2030-03-06T06:00:00Z');
    const person = await registerUser(h, tenant, 'Restart Person');
    await h.client.request(CreateBooking, { spaceId, start: '2030-03-06T10:00:00.000Z', end: '2030-03-06T11:00:00.000Z' }, person.ctx);
    await h.deliver();
    const before = mailsTo(person.email).length;
    // The durable consumers are deleted: on restart they replay booking's and identity's events from the start.
    for (const durable of ['notification-bookings', 'notification-recipients']) await h.client.jsm.consumers.delete('PLASS_EVENTS', durable);
    await h.restartNotification();
    await h.deliver();
    expect(mailsTo(person.email)).toHaveLength(before);
    h.clock.set('2030-03-06T09:45:00Z');
    await h.deliver();
    expect(
      mailsTo(person.email)
        .map(kindOf)
        .filter((kind) => kind === 'booking.reminder'),
    ).toHaveLength(1);
  });

  it('drops the reminder of a booking cancelled before it, and has one of two replicas send a reminder once', async () => {
    h.clock.set('2030-03-06T12:00:00Z');
    const cancelled = await registerUser(h, tenant, 'Cancelled Person');
    const reminded = await registerUser(h, tenant, 'Reminded Person');
    const gone = await h.client.request(CreateBooking, { spaceId, start: '2030-03-06T14:00:00.000Z', end: '2030-03-06T15:00:00.000Z' }, cancelled.ctx);
    await h.client.request(CreateBooking, { spaceId, start: '2030-03-06T16:00:00.000Z', end: '2030-03-06T17:00:00.000Z' }, reminded.ctx);
    await h.deliver();
    await h.client.request(CancelBooking, { bookingId: gone.id }, cancelled.ctx);
    await h.deliver();
    const replica = await h.startReplica();
    try {
      h.clock.set('2030-03-06T15:50:00Z');
      await h.settle();
      const rounds = await Promise.all([h.notification.deliverIfLeader(), replica.deliverIfLeader(), h.notification.deliverIfLeader(), replica.deliverIfLeader()]);
      expect(rounds.filter(Boolean).length).toBeGreaterThanOrEqual(1);
      expect(rounds[0] === rounds[1]).toBe(false);
      await h.deliver();
    } finally {
      await replica.close();
    }
    expect(mailsTo(cancelled.email).map(kindOf).sort()).toEqual(['booking.cancelled', 'booking.confirmed', 'user.invited']);
    expect(
      mailsTo(reminded.email)
        .map(kindOf)
        .filter((kind) => kind === 'booking.reminder'),
    ).toHaveLength(1);
  });

  it('sends through the secondary provider while the primary refuses, and records a permanent refusal without retrying', async () => {
    h.clock.set('2030-03-07T06:00:00Z');
    const person = await registerUser(h, tenant, 'Failover Person');
    h.primary.refuseWith = 451;
    await h.client.request(CreateBooking, { spaceId, start: '2030-03-07T10:00:00.000Z', end: '2030-03-07T11:00:00.000Z' }, person.ctx);
    await h.deliver();
    expect(mailsTo(person.email).map((mail) => mail.provider)).toEqual(['secondary', 'secondary']);
    h.primary.refuseWith = undefined;
    const metrics = await h.notification.metrics.render();
    expect(metrics).toMatch(/plass_notification_mails_sent_total\{[^}]*kind="booking.confirmed"[^}]*provider="secondary"[^}]*\} 1/);
    expect(metrics).toMatch(/plass_notification_queue_depth\{[^}]*\} 0/);

    h.secondary.refuseWith = 550;
    h.primary.refuseWith = 550;
    const bounced = await registerUser(h, tenant, 'Bounced Person');
    await h.deliver();
    h.clock.advance(60 * MINUTE);
    await h.deliver();
    h.primary.refuseWith = undefined;
    h.secondary.refuseWith = undefined;
    const log = await h.client.request(ListNotifications, { userId: bounced.id, limit: 50 }, tenant.admin);
    expect(log.items.map((entry) => [entry.kind, entry.status, entry.attempts])).toEqual([['user.invited', 'failed', 1]]);
    expect(mailsTo(bounced.email)).toEqual([]);
  });

  it('sends a mail queued before its content had a document of its own', async () => {
    h.clock.set('2030-03-08T06:00:00Z');
    h.primary.refuseWith = 451;
    h.secondary.refuseWith = 451;
    const person = await registerUser(h, tenant, 'Earlier Layout Person');
    await h.deliver();
    h.primary.refuseWith = undefined;
    h.secondary.refuseWith = undefined;
    expect(mailsTo(person.email)).toEqual([]);
    // The earlier layout, on a second connection to the service's file: the sealed content inline.
    const store = openSqliteProjectionStore({ file: join(h.dir.path, 'notification', 'notification.db') });
    try {
      const contents = await store.find<MailContentDocument>(MAIL_CONTENTS, {});
      expect(contents.length).toBeGreaterThan(0);
      await store.apply(OUTBOX_WRITER, 'test:earlier-layout', (tx) => {
        for (const { id, content } of contents) {
          const queued = tx.get<MailDocument>(MAILS, id);
          if (queued) tx.put(MAILS, id, { ...queued, content });
          tx.delete(MAIL_CONTENTS, id);
        }
      });
    } finally {
      await store.close();
    }
    h.clock.advance(20 * MINUTE);
    await h.deliver();
    expect(mailsTo(person.email).map(kindOf)).toEqual(['user.invited']);
  });

  it('does not mail about the past: a confirmation composed more than a day late is dropped, a due reminder still goes', async () => {
    h.clock.set('2030-03-20T08:00:00Z');
    const person = await registerUser(h, tenant, 'Late Person');
    await h.deliver();
    await h.client.request(CreateBooking, { spaceId, start: '2030-03-22T10:00:00.000Z', end: '2030-03-22T11:00:00.000Z' }, person.ctx);
    await h.settle();
    h.clock.set('2030-03-22T09:50:00Z');
    await h.deliver();
    expect(mailsTo(person.email).map(kindOf)).toEqual(['user.invited', 'booking.reminder']);
  });

  it("serves the booker's calendar entry, and only to the booker", async () => {
    h.clock.set('2030-03-08T06:00:00Z');
    const person = await registerUser(h, tenant, 'Calendar Person');
    const other = await registerUser(h, tenant, 'Other Person');
    const booking = await h.client.request(CreateBooking, { spaceId, start: '2030-03-08T10:00:00.000Z', end: '2030-03-08T11:00:00.000Z' }, person.ctx);
    await h.settle();
    const { calendar } = await h.client.request(GetBookingCalendar, { bookingId: booking.id }, person.ctx);
    expect(calendar).toContain('METHOD:REQUEST');
    expect(calendar).toContain(`UID:${booking.id}@plass`);
    await expect(h.client.request(GetBookingCalendar, { bookingId: booking.id }, other.ctx)).rejects.toMatchObject({ error: { code: 'booking.not_found' } });
  });

  it('follows the tenant: a reminder lead time of 0 sends none, confirmations can be turned off', async () => {
    await h.client.request(ChangeNotificationSettings, { reminderMinutesBefore: 0, mails: { confirmed: false } }, tenant.admin);
    h.clock.set('2030-03-09T06:00:00Z');
    const person = await registerUser(h, tenant, 'Tenant Choice');
    await h.client.request(CreateBooking, { spaceId, start: '2030-03-09T10:00:00.000Z', end: '2030-03-09T11:00:00.000Z' }, person.ctx);
    await h.deliver();
    h.clock.set('2030-03-09T09:59:00Z');
    await h.deliver();
    expect(mailsTo(person.email).map(kindOf)).toEqual(['user.invited']);
    await h.client.request(ChangeNotificationSettings, { reminderMinutesBefore: 15, mails: { confirmed: true } }, tenant.admin);
    await expect(h.client.request(ChangeNotificationSettings, { reminderMinutesBefore: 15 }, as(tenant.tenantId, person.id, 'employee'))).rejects.toMatchObject({
      error: { code: 'auth.forbidden' },
    });
  });

  it('exports the mails sent to a person, and forgets them on erasure: no pending reminder goes out, the log keeps no link, the store no address', async () => {
    h.clock.set('2030-03-10T06:00:00Z');
    const person = await registerUser(h, tenant, 'Erased Person');
    await h.client.request(CreateBooking, { spaceId, start: '2030-03-12T10:00:00.000Z', end: '2030-03-12T11:00:00.000Z' }, person.ctx);
    await h.deliver();
    const exported = await h.client.request(exportSubject('notification'), { subjectId: person.id }, officer);
    expect((exported.sections.notifications as { kind: string; subject: string | null }[]).map((mail) => mail.kind)).toEqual(['user.invited', 'booking.confirmed']);
    expect((exported.sections.notifications as { subject: string | null }[]).every((mail) => typeof mail.subject === 'string' && mail.subject.length > 0)).toBe(true);

    // A booking whose confirmation is still to be composed when the erasure comes: it must never go out.
    await h.client.request(CreateBooking, { spaceId, start: '2030-03-13T10:00:00.000Z', end: '2030-03-13T11:00:00.000Z' }, person.ctx);
    await h.settle();
    const erasure = await h.client.request(RequestErasure, { subjectId: person.id }, officer);
    await waitFor(async () => (await h.client.request(GetErasureRequest, { requestId: erasure.id }, officer)).status === 'completed', { what: 'the erasure to complete' });
    const done = await h.client.request(GetErasureRequest, { requestId: erasure.id }, officer);
    expect(Object.keys(done.receipts)).toContain('notification');
    h.clock.set('2030-03-12T09:50:00Z');
    await h.deliver();
    expect(mailsTo(person.email).map(kindOf)).toEqual(['user.invited', 'booking.confirmed']);
    const log = await h.client.request(ListNotifications, { userId: person.id, limit: 50 }, tenant.admin);
    expect(log.items).toEqual([]);
    expect(((await h.client.request(exportSubject('notification'), { subjectId: person.id }, officer)).sections.notifications as unknown[]).length).toBe(0);
    expect(scanForPlaintext(h.dir.path, [person.email, person.displayName])).toEqual([]);
  });

  // Editing a booking
  it('moves the reminder and the calendar entry with an edited booking', async () => {
    h.clock.set('2030-03-07T12:00:00Z');
    const mover = await registerUser(h, tenant, 'Moving Person');
    const booking = await h.client.request(CreateBooking, { spaceId, start: '2030-03-07T14:00:00.000Z', end: '2030-03-07T15:00:00.000Z' }, mover.ctx);
    await h.deliver();
    await h.client.request(EditBooking, { bookingId: booking.id, start: '2030-03-07T18:00:00.000Z', end: '2030-03-07T19:00:00.000Z', expectedVersion: 0 }, mover.ctx);
    await h.settle();
    const { calendar } = await h.client.request(GetBookingCalendar, { bookingId: booking.id }, mover.ctx);
    const entry = ICAL.Component.fromString(calendar).getFirstSubcomponent('vevent')!;
    expect((entry.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe('2030-03-07T18:00:00.000Z');
    const reminders = () => mailsTo(mover.email).filter((mail) => kindOf(mail) === 'booking.reminder');
    h.clock.set('2030-03-07T13:50:00Z');
    await h.deliver();
    expect(reminders()).toHaveLength(0);
    h.clock.set('2030-03-07T17:50:00Z');
    await h.deliver();
    expect(reminders()).toHaveLength(1);
  });
  // End of: Editing a booking
});
