import { deciderSpec } from '@plass/testing';
import {
  decideErasureProgress,
  decideRequestErasure,
  erasureView,
  evolveErasure,
  initialErasure,
  keysDestroyed,
  nextErasureStep,
  type ErasureProgress,
  type ErasureState,
  type RequestErasure,
} from './erasure.js';
import type { ActiveHold } from './legal-holds.js';
import type { Recorded } from './recorded.js';

const requestId = '11111111-1111-4111-8111-111111111111';
const subjectId = '22222222-2222-4222-8222-222222222222';
const officer = '33333333-3333-4333-8333-333333333333';
const holdId = '44444444-4444-4444-8444-444444444444';
const t0 = '2031-01-31T10:00:00.000Z';
const t1 = '2031-01-31T10:00:01.000Z';
const participants = ['identity', 'booking'];

const requested: Recorded = { type: 'ErasureRequested', data: { requestId, subjectId, requestedBy: officer, requestedAt: t0, dueAt: '2031-02-28T10:00:00.000Z' }, at: t0 };
const step = (name: 'bookings_cancelled' | 'user_deactivated' | 'keys_destroyed' | 'erasure_broadcast', count?: number): Recorded => ({
  type: 'ErasureStepCompleted',
  data: { requestId, step: name, ...(count === undefined ? {} : { count }), at: t1 },
  at: t1,
});
const receipt = (service: string): Recorded => ({ type: 'ErasureReceiptRecorded', data: { requestId, service, acknowledgedAt: t1 }, at: t1 });
const hold: ActiveHold = { id: holdId, subjectId, reason: 'litigation', reference: '2030/7', placedAt: t0, until: null };

const fold = (events: Recorded[]): ErasureState => events.reduce(evolveErasure, initialErasure);
const requestSpec = deciderSpec<RequestErasure, Recorded, ErasureState, { code: string }>({ initialState: initialErasure, evolve: evolveErasure, decide: decideRequestErasure });
const progressSpec = deciderSpec<ErasureProgress, Recorded, ErasureState, { code: string }>({ initialState: initialErasure, evolve: evolveErasure, decide: decideErasureProgress });

describe('an erasure request', () => {
  it('is accepted with a due date one month later', () => {
    requestSpec.given([]).when({ requestId, subjectId, requestedBy: officer, now: t0, holds: [] }).then([requested]);
  });

  it('is refused with the oldest legal hold’s reason (Art. 17(3))', () => {
    const later: ActiveHold = { ...hold, id: '55555555-5555-4555-8555-555555555555', reason: 'statutory_retention', placedAt: t1 };
    requestSpec
      .given([])
      .when({ requestId, subjectId, requestedBy: officer, now: t0, holds: [hold, later] })
      .then([requested, { type: 'ErasureRefused', data: { requestId, reason: 'litigation', holdId, refusedAt: t0 }, at: t0 }]);
    const refused = fold([requested, { type: 'ErasureRefused', data: { requestId, reason: 'litigation', holdId, refusedAt: t0 }, at: t0 }]);
    expect(nextErasureStep(refused, participants)).toEqual({ kind: 'none' });
  });

  it('is recorded once, however often the same request is decided', () => {
    requestSpec.given([requested]).when({ requestId, subjectId, now: t1, holds: [] }).then([]);
  });
});

describe('the erasure saga', () => {
  it('deactivates the user, then cancels their bookings, destroys keys, collects every receipt, then completes', () => {
    const history: Recorded[] = [requested];
    expect(nextErasureStep(fold(history), participants)).toEqual({ kind: 'deactivate_user' });
    history.push(step('user_deactivated'));
    expect(nextErasureStep(fold(history), participants)).toEqual({ kind: 'cancel_bookings' });
    history.push(step('bookings_cancelled', 2));
    expect(nextErasureStep(fold(history), participants)).toEqual({ kind: 'destroy_keys' });
    history.push(step('keys_destroyed', 3));
    expect(nextErasureStep(fold(history), participants)).toEqual({ kind: 'destroy_keys' });
    history.push(step('erasure_broadcast'));
    expect(nextErasureStep(fold(history), participants)).toEqual({ kind: 'collect_receipts', services: ['identity', 'booking', 'privacy'] });
    history.push(receipt('booking'), receipt('privacy'));
    expect(nextErasureStep(fold(history), participants)).toEqual({ kind: 'collect_receipts', services: ['identity'] });
    history.push(receipt('identity'));
    expect(nextErasureStep(fold(history), participants)).toEqual({ kind: 'complete' });
  });

  it('continues a request that cancelled the bookings before deactivating the user (the earlier order)', () => {
    expect(nextErasureStep(fold([requested, step('bookings_cancelled', 2)]), participants)).toEqual({ kind: 'deactivate_user' });
    expect(nextErasureStep(fold([requested, step('bookings_cancelled', 2), step('user_deactivated')]), participants)).toEqual({ kind: 'destroy_keys' });
  });

  it('skips the steps of services that do not take part', () => {
    expect(nextErasureStep(fold([requested]), ['identity'])).toEqual({ kind: 'deactivate_user' });
    expect(nextErasureStep(fold([requested]), ['booking'])).toEqual({ kind: 'cancel_bookings' });
    expect(nextErasureStep(fold([requested]), [])).toEqual({ kind: 'destroy_keys' });
    expect(nextErasureStep(fold([requested, step('keys_destroyed', 0), step('erasure_broadcast')]), [])).toEqual({
      kind: 'collect_receipts',
      services: ['privacy'],
    });
  });

  it('records each step and receipt once, so a resumed saga repeats nothing', () => {
    progressSpec
      .given([requested])
      .when({ kind: 'steps', completed: [{ step: 'bookings_cancelled', count: 2 }], now: t1 })
      .then([step('bookings_cancelled', 2)]);
    progressSpec
      .given([requested, step('bookings_cancelled', 2)])
      .when({ kind: 'steps', completed: [{ step: 'bookings_cancelled', count: 0 }], now: t1 })
      .then([]);
    progressSpec
      .given([requested, receipt('booking')])
      .when({
        kind: 'receipts',
        receipts: [
          { service: 'booking', acknowledgedAt: t1 },
          { service: 'identity', acknowledgedAt: t1 },
        ],
        now: t1,
      })
      .then([receipt('identity')]);
  });

  it('is refused by a legal hold placed while it is pending, with the hold’s reason (Art. 17(3))', () => {
    const refused: Recorded = { type: 'ErasureRefused', data: { requestId, reason: 'litigation', holdId, refusedAt: t1 }, at: t1 };
    progressSpec
      .given([requested, step('user_deactivated'), step('bookings_cancelled', 2)])
      .when({ kind: 'refuse', hold, now: t1 })
      .then([refused]);
    expect(nextErasureStep(fold([requested, step('user_deactivated'), refused]), participants)).toEqual({ kind: 'none' });
    progressSpec.given([requested, refused]).when({ kind: 'refuse', hold, now: t1 }).then([]);
  });

  it('completes despite a hold once the keys are destroyed: the data is gone', () => {
    const past = [requested, step('user_deactivated'), step('bookings_cancelled', 0), step('keys_destroyed', 2)];
    progressSpec.given(past).when({ kind: 'refuse', hold, now: t1 }).then([]);
    expect(keysDestroyed(fold(past))).toBe(true);
    expect(keysDestroyed(fold([requested, step('user_deactivated')]))).toBe(false);
  });

  it('completes only once every receipt is in, and only once', () => {
    const before = [
      requested,
      step('bookings_cancelled', 0),
      step('user_deactivated'),
      step('keys_destroyed', 1),
      step('erasure_broadcast'),
      receipt('identity'),
      receipt('privacy'),
    ];
    progressSpec.given(before).when({ kind: 'complete', participants, now: t1 }).then([]);
    const completed: Recorded = { type: 'ErasureCompleted', data: { requestId, subjectId, completedAt: t1 }, at: t1 };
    progressSpec
      .given([...before, receipt('booking')])
      .when({ kind: 'complete', participants, now: t1 })
      .then([completed]);
    progressSpec
      .given([...before, receipt('booking'), completed])
      .when({ kind: 'complete', participants, now: t1 })
      .then([]);
  });

  it('shows status, receipts, due date and whether it is overdue', () => {
    const state = fold([requested, receipt('booking')]);
    if (state.status === 'none') throw new Error('expected a request');
    expect(erasureView(state, new Date(t1))).toEqual({
      id: requestId,
      subjectId,
      status: 'pending',
      requestedAt: t0,
      dueAt: '2031-02-28T10:00:00.000Z',
      completedAt: null,
      reason: null,
      receipts: { booking: t1 },
      overdue: false,
    });
    expect(erasureView(state, new Date('2031-03-01T00:00:00.000Z')).overdue).toBe(true);
  });
});
