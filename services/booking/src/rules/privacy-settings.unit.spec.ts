import { deciderSpec } from '@plass/testing';
import type { DomainEvent } from '@plass/contracts';
import { decideChangePrivacySettings, evolvePrivacySettings, initialPrivacySettings, type ChangePrivacySettings, type PrivacySettings } from './privacy-settings.js';
import { admin, employee } from './test-fixtures.js';

const spec = deciderSpec<ChangePrivacySettings, DomainEvent, PrivacySettings, { code: string }>({
  initialState: initialPrivacySettings,
  evolve: evolvePrivacySettings,
  decide: decideChangePrivacySettings,
});

const retention = (days: number | null): DomainEvent => ({ type: 'BookingRetentionChanged', data: { anonymizeBookingsAfterDays: days } });
const visibility = (rule: 'nobody' | 'everyone'): DomainEvent => ({ type: 'BookingVisibilityChanged', data: { bookingVisibility: rule } });

describe('ChangePrivacySettings', () => {
  it('keeps bookings until erasure and shows bookers by each user’s choice, until changed', () => {
    expect(initialPrivacySettings).toEqual({ bookingVisibility: 'user-choice-visible', anonymizeBookingsAfterDays: null, analyticsMinGroupSize: 5 });
  });

  it('records the retention period as its own event', () => {
    spec
      .given([])
      .when({ changes: { anonymizeBookingsAfterDays: 30 }, actor: admin })
      .then([retention(30)]);
  });

  it('records the minimum group size of the statistics, once per change', () => {
    const size = (analyticsMinGroupSize: number): DomainEvent => ({ type: 'AnalyticsMinGroupSizeChanged', data: { analyticsMinGroupSize } });
    spec
      .given([])
      .when({ changes: { analyticsMinGroupSize: 10 }, actor: admin })
      .then([size(10)]);
    spec
      .given([size(10)])
      .when({ changes: { analyticsMinGroupSize: 10 }, actor: admin })
      .then([]);
    spec
      .given([])
      .when({ changes: { analyticsMinGroupSize: 5 }, actor: admin })
      .then([]);
  });

  it('turns retention off again with null', () => {
    spec
      .given([retention(30)])
      .when({ changes: { anonymizeBookingsAfterDays: null }, actor: admin })
      .then([retention(null)]);
  });

  it('changes any subset, one event per setting that differs', () => {
    spec
      .given([])
      .when({ changes: { bookingVisibility: 'nobody', anonymizeBookingsAfterDays: 7 }, actor: admin })
      .then([visibility('nobody'), retention(7)]);
    spec
      .given([retention(7)])
      .when({ changes: { bookingVisibility: 'everyone', anonymizeBookingsAfterDays: 7 }, actor: admin })
      .then([visibility('everyone')]);
    spec
      .given([visibility('nobody')])
      .when({ changes: { anonymizeBookingsAfterDays: 14 }, actor: admin })
      .then([retention(14)]);
  });

  it('records nothing for the settings as they are, or for an empty change', () => {
    spec
      .given([retention(30), visibility('nobody')])
      .when({ changes: { anonymizeBookingsAfterDays: 30, bookingVisibility: 'nobody' }, actor: admin })
      .then([]);
    spec
      .given([])
      .when({ changes: { anonymizeBookingsAfterDays: null }, actor: admin })
      .then([]);
    spec
      .given([retention(30)])
      .when({ changes: {}, actor: admin })
      .then([]);
  });

  it('is for admins only', () => {
    spec
      .given([])
      .when({ changes: { anonymizeBookingsAfterDays: 30 }, actor: employee })
      .thenFails({ code: 'auth.forbidden' });
    spec
      .given([])
      .when({ changes: { bookingVisibility: 'nobody' }, actor: employee })
      .thenFails({ code: 'auth.forbidden' });
  });

  it('folds both settings from the policy stream, ignoring the booking policy', () => {
    const events: DomainEvent[] = [retention(30), visibility('everyone'), { type: 'BookingPolicyChanged', data: { maxDaysInAdvance: 5 } }, retention(10)];
    expect(events.reduce(evolvePrivacySettings, initialPrivacySettings)).toEqual({ bookingVisibility: 'everyone', anonymizeBookingsAfterDays: 10, analyticsMinGroupSize: 5 });
  });
});
