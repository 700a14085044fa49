import { deciderSpec } from '@plass/testing';
import type { Recorded } from './recorded.js';
import { allRestrictions, decideLift, decideRestrict, evolveRestrictions, initialRestrictions, restrictionsOn, type RestrictionsState } from './restrictions.js';

const restrictionId = '11111111-1111-4111-8111-111111111111';
const subjectId = '22222222-2222-4222-8222-222222222222';
const officerId = '33333333-3333-4333-8333-333333333333';
const someoneElse = '44444444-4444-4444-8444-444444444444';
const t0 = '2030-03-01T08:00:00.000Z';

const officer = { actorId: officerId, roles: ['privacy_officer' as const] };
const subject = { actorId: subjectId, roles: ['employee' as const] };
const placed: Recorded = { type: 'ProcessingRestricted', data: { restrictionId, subjectId, ground: 'objection', placedBy: subjectId }, at: t0 };

type Command = { restrict: Parameters<typeof decideRestrict>[0] } | { lift: Parameters<typeof decideLift>[0] };
const spec = deciderSpec<Command, Recorded, RestrictionsState, { code: string }>({
  initialState: initialRestrictions,
  evolve: evolveRestrictions,
  decide: (command, state) => ('restrict' in command ? decideRestrict(command.restrict, state) : decideLift(command.lift, state)),
});

describe('restriction of processing and objection (Art. 18, 21)', () => {
  it('restricts once per ground: the same ground again while in force changes nothing', () => {
    spec
      .given([])
      .when({ restrict: { restrictionId, subjectId, ground: 'objection', placedBy: subjectId, now: t0 } })
      .then([placed]);
    spec
      .given([placed])
      .when({ restrict: { restrictionId: someoneElse, subjectId, ground: 'objection', now: t0 } })
      .then([]);
    const other = { restrictionId: someoneElse, subjectId, ground: 'accuracy_contested' as const, now: t0 };
    spec
      .given([placed])
      .when({ restrict: other })
      .then([{ type: 'ProcessingRestricted', data: { restrictionId: someoneElse, subjectId, ground: 'accuracy_contested' }, at: t0 }]);
    expect(restrictionsOn([placed].reduce(evolveRestrictions, initialRestrictions), subjectId)).toEqual([
      { id: restrictionId, subjectId, ground: 'objection', placedAt: t0, placedBy: subjectId },
    ]);
  });

  it('an officer lifts with the reason; the person only withdraws their own', () => {
    spec
      .given([placed])
      .when({ lift: { restrictionId, reason: 'compelling_grounds', actor: officer, now: t0 } })
      .then([{ type: 'ProcessingRestrictionLifted', data: { restrictionId, subjectId, reason: 'compelling_grounds', liftedBy: officerId }, at: t0 }]);
    spec
      .given([placed])
      .when({ lift: { restrictionId, reason: 'withdrawn_by_subject', actor: subject, now: t0 } })
      .then([{ type: 'ProcessingRestrictionLifted', data: { restrictionId, subjectId, reason: 'withdrawn_by_subject', liftedBy: subjectId }, at: t0 }]);
    spec
      .given([placed])
      .when({ lift: { restrictionId, reason: 'compelling_grounds', actor: subject, now: t0 } })
      .thenFails({ code: 'auth.forbidden' });
    const stranger = { actorId: someoneElse, roles: ['employee' as const] };
    spec
      .given([placed])
      .when({ lift: { restrictionId, reason: 'withdrawn_by_subject', actor: stranger, now: t0 } })
      .thenFails({ code: 'privacy.restriction_not_found' });
  });

  it('a lifted restriction is gone and cannot be lifted again', () => {
    const lifted: Recorded = { type: 'ProcessingRestrictionLifted', data: { restrictionId, subjectId, reason: 'accuracy_verified' }, at: t0 };
    spec
      .given([placed, lifted])
      .when({ lift: { restrictionId, reason: 'accuracy_verified', actor: officer, now: t0 } })
      .thenFails({ code: 'privacy.restriction_not_found' });
    expect(allRestrictions([placed, lifted].reduce(evolveRestrictions, initialRestrictions))).toEqual([]);
  });
});
