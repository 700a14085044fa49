import { deciderSpec } from '@plass/testing';
import { decideLiftHold, decidePlaceHold, evolveHolds, holdsInForce, holdsOn, initialHolds, type HoldsState } from './legal-holds.js';
import type { Recorded } from './recorded.js';
import { decideSetSubProcessors, evolveSubProcessors, initialSubProcessors, type SubProcessors } from './sub-processors.js';

const holdId = '11111111-1111-4111-8111-111111111111';
const subjectId = '22222222-2222-4222-8222-222222222222';
const officer = '33333333-3333-4333-8333-333333333333';
const t0 = '2030-03-01T08:00:00.000Z';

const placed: Recorded = { type: 'LegalHoldPlaced', data: { holdId, subjectId, reason: 'litigation', reference: '2030/7', placedBy: officer }, at: t0 };
const lifted: Recorded = { type: 'LegalHoldLifted', data: { holdId, liftedBy: officer }, at: t0 };

type HoldCommand = { place: Parameters<typeof decidePlaceHold>[0] } | { lift: Parameters<typeof decideLiftHold>[0] };
const spec = deciderSpec<HoldCommand, Recorded, HoldsState, { code: string }>({
  initialState: initialHolds,
  evolve: evolveHolds,
  decide: (command, state) => ('place' in command ? decidePlaceHold(command.place, state) : decideLiftHold(command.lift, state)),
});

describe('legal holds', () => {
  it('places a hold with its reason and reference', () => {
    spec
      .given([])
      .when({ place: { holdId, subjectId, reason: 'litigation', reference: '2030/7', placedBy: officer, now: t0 } })
      .then([placed]);
    expect(holdsOn([placed].reduce(evolveHolds, initialHolds), subjectId, t0)).toEqual([
      { id: holdId, subjectId, reason: 'litigation', reference: '2030/7', placedAt: t0, until: null },
    ]);
  });

  it('lifts a hold in force; an unknown or lifted hold is not found', () => {
    spec
      .given([placed])
      .when({ lift: { holdId, liftedBy: officer, now: t0 } })
      .then([lifted]);
    spec
      .given([placed, lifted])
      .when({ lift: { holdId, now: t0 } })
      .thenFails({ code: 'privacy.legal_hold_not_found' });
    spec
      .given([])
      .when({ lift: { holdId, now: t0 } })
      .thenFails({ code: 'privacy.legal_hold_not_found' });
    expect(holdsOn([placed, lifted].reduce(evolveHolds, initialHolds), subjectId, t0)).toEqual([]);
  });
});

describe('legal holds with an end', () => {
  const until = '2030-06-01T00:00:00.000Z';
  const bounded: Recorded = { type: 'LegalHoldPlaced', data: { holdId, subjectId, reason: 'statutory_retention', placedBy: officer, until }, at: t0 };

  it('places a hold until a future instant, and refuses one that would end before it begins', () => {
    spec
      .given([])
      .when({ place: { holdId, subjectId, reason: 'statutory_retention', placedBy: officer, until, now: t0 } })
      .then([bounded]);
    spec
      .given([])
      .when({ place: { holdId, subjectId, reason: 'statutory_retention', until: t0, now: t0 } })
      .thenFails({ code: 'validation.failed' });
  });

  it('holds until its end and no longer: an expired hold blocks nothing and cannot be lifted', () => {
    const state = [bounded].reduce(evolveHolds, initialHolds);
    expect(holdsOn(state, subjectId, '2030-05-31T23:59:59.999Z')).toHaveLength(1);
    expect(holdsOn(state, subjectId, until)).toEqual([]);
    expect(holdsInForce(state, until)).toEqual([]);
    spec
      .given([bounded])
      .when({ lift: { holdId, now: until } })
      .thenFails({ code: 'privacy.legal_hold_not_found' });
  });
});

describe('sub-processors', () => {
  const items = [{ name: 'Mail AS', purpose: 'e-mail', country: 'NO' }];
  const subSpec = deciderSpec<{ items: SubProcessors; now: string }, Recorded, SubProcessors, { code: string }>({
    initialState: initialSubProcessors,
    evolve: evolveSubProcessors,
    decide: decideSetSubProcessors,
  });

  it('replaces the list; the same list changes nothing', () => {
    const changed: Recorded = { type: 'SubProcessorsChanged', data: { items }, at: t0 };
    subSpec.given([]).when({ items, now: t0 }).then([changed]);
    subSpec.given([changed]).when({ items, now: t0 }).then([]);
    subSpec
      .given([changed])
      .when({ items: [], now: t0 })
      .then([{ type: 'SubProcessorsChanged', data: { items: [] }, at: t0 }]);
  });
});
