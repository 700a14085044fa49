import { deciderSpec } from '@plass/testing';
import type { BookingVisibility, DomainEvent } from '@plass/contracts';
import { bookerVisible, decideChangeVisibility, evolveVisibility, initialVisibility } from './visibility.js';
import { admin, employee } from './test-fixtures.js';

const spec = deciderSpec<Parameters<typeof decideChangeVisibility>[0], DomainEvent, BookingVisibility, { code: string }>({
  initialState: initialVisibility,
  evolve: evolveVisibility,
  decide: decideChangeVisibility,
});

describe('who sees who booked', () => {
  it('follows the tenant rule, and the user’s choice where the rule lets users decide', () => {
    const seen = (rule: BookingVisibility) => [undefined, 'visible', 'hidden'].map((choice) => bookerVisible(rule, choice as 'visible' | 'hidden' | undefined, employee));
    expect(seen('everyone')).toEqual([true, true, true]);
    expect(seen('nobody')).toEqual([false, false, false]);
    expect(seen('user-choice-visible')).toEqual([true, true, false]);
    expect(seen('user-choice-hidden')).toEqual([false, true, false]);
  });

  it('always shows names to admins', () => {
    expect(bookerVisible('nobody', 'hidden', admin)).toBe(true);
  });

  it('lets admins change the rule; the same rule again changes nothing', () => {
    spec.given([]).when({ bookingVisibility: 'nobody', actor: admin }).then([{ type: 'BookingVisibilityChanged', data: { bookingVisibility: 'nobody' } }]);
    spec.given([]).when({ bookingVisibility: initialVisibility, actor: admin }).then([]);
    spec.given([]).when({ bookingVisibility: 'nobody', actor: employee }).thenFails({ code: 'auth.forbidden' });
  });
});
