import { describe, expect, it } from '@jest/globals';
import { eventCatalog } from './events/index.js';
import { ProcessingRecordsView } from './messages/privacy-api.js';
import { piiFields } from './pii.js';
import { processingRecords, storedRecordCatalog } from './processing-records.js';

const tenantId = '11111111-1111-4111-8111-111111111111';
const generatedAt = '2030-03-01T12:00:00.000Z';
const subProcessors = [{ name: 'Mail AS', purpose: 'sending e-mail', country: 'NO' }];

describe('the record of processing (Art. 30)', () => {
  const record = processingRecords({ tenantId, generatedAt, subProcessors });

  it('is a valid view naming the controller and the sub-processors', () => {
    expect(ProcessingRecordsView.parse(record)).toEqual(record);
    expect(record.controller).toEqual({ tenantId, contact: null });
    expect(record.subProcessors).toEqual(subProcessors);
  });

  it('lists every personal field of every event under its purpose and category', () => {
    const listed = record.activities.flatMap((activity) =>
      activity.categories.flatMap(({ category, fields }) => fields.map(({ event, field }) => `${activity.purpose}/${category}/${event}.${field}`)),
    );
    const marked = Object.entries({ ...eventCatalog, ...storedRecordCatalog }).flatMap(([event, definition]) =>
      piiFields(definition.data).map(({ purpose, category, field }) => `${purpose}/${category}/${event}.${field}`),
    );
    expect(marked.length).toBeGreaterThan(0);
    expect(listed.sort()).toEqual(marked.sort());
  });

  it('names the owning context among the recipients, with legal basis and retention', () => {
    const [profile, booking] = record.activities;
    expect(profile).toMatchObject({ purpose: 'profile', legalBasis: expect.stringContaining('6(1)(b)') });
    expect(profile!.recipients).toEqual(expect.arrayContaining(['identity', 'booking', 'privacy']));
    expect(booking).toMatchObject({ purpose: 'booking', legalBasis: expect.stringContaining('6(1)(f)') });
    expect(booking!.recipients).toContain('booking');
    expect(booking!.retention).toContain('anonymizeBookingsAfterDays');
  });

  it('lists the mails notification sends, on their legal basis, with the SMTP providers among the recipients', () => {
    const notification = record.activities.find((activity) => activity.purpose === 'notification')!;
    expect(notification.legalBasis).toContain('6(1)(b)');
    expect(notification.recipients).toEqual(expect.arrayContaining(['notification', 'smtp-providers']));
    expect(notification.categories.map((category) => category.category)).toEqual(['contact']);
    expect(record.activities.find((activity) => activity.purpose === 'profile')!.recipients).toContain('notification');
  });

  it("states the tenant's booking retention when it is known", () => {
    const days = (value: number | null) => processingRecords({ tenantId, generatedAt, subProcessors: [], anonymizeBookingsAfterDays: value }).activities[1]!.retention;
    expect(days(90)).toContain('90 days');
    expect(days(null)).toContain('Until the booker is erased');
  });
});
