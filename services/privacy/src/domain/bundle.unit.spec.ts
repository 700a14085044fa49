import { ExportBundle } from '@plass/contracts';
import { assembleBundle } from './bundle.js';
import { decideCompleteExport, decideRequestExport, evolveExport, exportView, initialExport } from './export-request.js';

const subjectId = '22222222-2222-4222-8222-222222222222';
const requestId = '11111111-1111-4111-8111-111111111111';
const t0 = '2030-03-01T08:00:00.000Z';

describe('the export bundle', () => {
  it('merges every service’s sections into one machine-readable bundle', () => {
    const bundle = assembleBundle(subjectId, t0, [
      { service: 'identity', sections: { profile: { displayName: 'Ada' } } },
      { service: 'booking', sections: { bookings: [{ id: 'b1' }, { id: 'b2' }], ledger: { upcoming: 1 } } },
      { service: 'privacy', sections: { consents: [{ version: 'v1' }] } },
    ]);
    expect(ExportBundle.parse(bundle)).toEqual(bundle);
    expect(bundle).toEqual({
      format: 'plass-export/v1',
      subjectId,
      generatedAt: t0,
      answeredBy: ['identity', 'booking', 'privacy'],
      profile: { displayName: 'Ada' },
      bookings: [{ id: 'b1' }, { id: 'b2' }],
      notifications: [],
      consents: [{ version: 'v1' }],
      ledger: { upcoming: 1 },
    });
  });

  it('keeps a section two services both answer, and lets none overwrite the header', () => {
    const bundle = assembleBundle(subjectId, t0, [
      { service: 'a', sections: { profile: { x: 1 }, bookings: [1], subjectId: 'forged' } },
      { service: 'b', sections: { profile: { y: 2 }, bookings: [2] } },
    ]);
    expect(bundle.profile).toEqual([{ x: 1 }, { y: 2 }]);
    expect(bundle.bookings).toEqual([1, 2]);
    expect(bundle.subjectId).toBe(subjectId);
  });
});

describe('an export request', () => {
  it('is pending with a due date, then completed once', () => {
    const requested = decideRequestExport({ requestId, subjectId, now: t0 }, initialExport);
    if (!requested.ok) throw new Error('expected the request to be accepted');
    expect(requested.events).toEqual([{ type: 'ExportRequested', data: { requestId, subjectId, requestedAt: t0, dueAt: '2030-04-01T08:00:00.000Z' }, at: t0 }]);
    const pending = requested.events.reduce(evolveExport, initialExport);
    const completed = decideCompleteExport({ now: t0 }, pending);
    expect(completed).toEqual({ ok: true, events: [{ type: 'ExportCompleted', data: { requestId, completedAt: t0 }, at: t0 }] });
    const done = (completed.ok ? completed.events : []).reduce(evolveExport, pending);
    expect(decideCompleteExport({ now: t0 }, done)).toEqual({ ok: true, events: [] });
    if (pending.status === 'none') throw new Error('expected a request');
    expect(exportView(pending, null, new Date('2030-04-02T00:00:00.000Z'))).toMatchObject({ status: 'pending', overdue: true, bundle: null });
  });
});
