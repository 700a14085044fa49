import { deciderSpec } from '@plass/testing';
import { DEFAULT_BOOKING_POLICY, type Decision, type DomainEvent } from '@plass/contracts';
import { decideChangePolicy, type ChangePolicy } from './change-policy.js';
import { evolvePolicy, initialPolicy, type Policy } from './policy.js';
import { admin, employee } from './test-fixtures.js';

const spec = deciderSpec<ChangePolicy, DomainEvent, Policy, { code: string }>({
  initialState: initialPolicy,
  evolve: evolvePolicy,
  decide: (command: ChangePolicy, state: Policy): Decision => decideChangePolicy(command, state),
});

describe('ChangePolicy', () => {
  it('records only the fields that change', () => {
    spec
      .given([])
      .when({ actor: admin, data: { maxDaysInAdvance: 14, minDurationMinutes: 15 } })
      .then([{ type: 'BookingPolicyChanged', data: { maxDaysInAdvance: 14 } }]);
    spec
      .given([])
      .when({ actor: admin, data: { ...DEFAULT_BOOKING_POLICY } })
      .then([]);
  });

  it('accepts min equal to max and refuses min above max, judged on the policy as it would become', () => {
    spec
      .given([])
      .when({ actor: admin, data: { minDurationMinutes: 600 } })
      .then([{ type: 'BookingPolicyChanged', data: { minDurationMinutes: 600 } }]);
    spec
      .given([])
      .when({ actor: admin, data: { minDurationMinutes: 601 } })
      .thenFails({ code: 'validation.failed' });
    spec
      .given([{ type: 'BookingPolicyChanged', data: { minDurationMinutes: 60 } }])
      .when({ actor: admin, data: { maxDurationMinutes: 59 } })
      .thenFails({ code: 'validation.failed' });
  });

  it('lets only admins change the policy', () => {
    spec
      .given([])
      .when({ actor: employee, data: { maxDaysInAdvance: 14 } })
      .thenFails({ code: 'auth.forbidden' });
  });

  it('folds changes over the default policy', () => {
    const events: DomainEvent[] = [
      { type: 'BookingPolicyChanged', data: { maxDaysInAdvance: 7 } },
      { type: 'BookingPolicyChanged', data: { adminsExempt: false } },
      { type: 'SpaceDisabled', data: { spaceId: '22222222-2222-4222-8222-222222222222' } },
    ];
    expect(events.reduce(evolvePolicy, initialPolicy)).toEqual({ ...DEFAULT_BOOKING_POLICY, maxDaysInAdvance: 7, adminsExempt: false });
    expect(initialPolicy).toEqual(DEFAULT_BOOKING_POLICY);
  });
});
