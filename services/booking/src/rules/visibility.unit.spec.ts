import type { BookingVisibility } from '@plass/contracts';
import { bookerVisible } from './visibility.js';
import { admin, employee } from './test-fixtures.js';

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
});
