import { z } from 'zod';
import { Uuid } from '../envelope.js';
import { defineEvent } from './define.js';

/** An IANA time zone name (`Europe/Oslo`); wall-clock rules of a location are evaluated in it. */
export const TimeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Europe/Oslo' },
);

/** ISO weekdays, Monday = 1 … Sunday = 7. */
export const IsoWeekday = z.number().int().min(1).max(7);

export const LocationCreated = defineEvent(
  'booking',
  'LocationCreated',
  z.object({
    locationId: Uuid,
    name: z.string(),
    timezone: TimeZone,
    bookableWeekdays: z.array(IsoWeekday),
    capacity: z.number().int().positive().optional(),
  }),
);

/** Only the fields that changed are present; `capacity: null` removes the cap. */
export const LocationUpdated = defineEvent(
  'booking',
  'LocationUpdated',
  z.object({
    locationId: Uuid,
    name: z.string().optional(),
    timezone: TimeZone.optional(),
    bookableWeekdays: z.array(IsoWeekday).optional(),
    capacity: z.number().int().positive().nullable().optional(),
  }),
);

export const LocationDisabled = defineEvent('booking', 'LocationDisabled', z.object({ locationId: Uuid }));
