import { z } from 'zod';
import { Timestamp, Uuid } from '../envelope.js';
import { pii } from '../pii.js';
import { defineEvent } from './define.js';

export const SpaceKind = z.enum(['desk', 'room', 'parking']);
export type SpaceKind = z.infer<typeof SpaceKind>;

/** Who a booking is for: in events it is encrypted with that person's booking key. */
export const BookedBy = pii(Uuid, {
  category: 'identifier',
  purpose: 'booking',
  description: 'the user a booking is for',
});
/** A booking's free-text title; it may name people, so it is personal data. */
export const BookingSubject = pii(z.string().trim().min(1).max(200), {
  category: 'free_text',
  purpose: 'booking',
  description: 'the title a user gives a booking',
});

export const SpaceCreated = defineEvent(
  'booking',
  'SpaceCreated',
  z.object({
    spaceId: Uuid,
    name: z.string(),
    kind: SpaceKind,
    floor: z.string().optional(),
    zone: z.string().optional(),
  }),
);

export const BookingConfirmed = defineEvent(
  'booking',
  'BookingConfirmed',
  z.object({
    bookingId: Uuid,
    spaceId: Uuid,
    kind: SpaceKind,
    start: Timestamp,
    end: Timestamp,
    bookedBy: BookedBy,
    subject: BookingSubject.optional(),
  }),
);
