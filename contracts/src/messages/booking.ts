import { z } from 'zod';
import { Timestamp, Uuid } from '../envelope.js';
import { BookedBy, BookingSubject, SpaceKind } from '../events/booking.js';
import { defineRequest } from './define.js';

export const SpaceView = z.object({
  id: Uuid,
  name: z.string(),
  kind: SpaceKind,
  floor: z.string().optional(),
  zone: z.string().optional(),
});
export type SpaceView = z.infer<typeof SpaceView>;

export const BookingStatus = z.enum(['confirmed']);

/** A booking as read back: personal fields are null where their key was destroyed, named in `redacted`. */
export const BookingView = z.object({
  id: Uuid,
  spaceId: Uuid,
  kind: SpaceKind,
  start: Timestamp,
  end: Timestamp,
  status: BookingStatus,
  bookedBy: BookedBy.nullable(),
  subject: BookingSubject.nullable(),
  redacted: z.array(z.string()),
});
export type BookingView = z.infer<typeof BookingView>;

export const CreateSpace = defineRequest(
  'booking.cmd.CreateSpace',
  z.object({ name: z.string(), kind: SpaceKind, floor: z.string().optional(), zone: z.string().optional() }),
  SpaceView,
);
export const GetSpace = defineRequest('booking.qry.GetSpace', z.object({ spaceId: Uuid }), SpaceView);

/** The booker is the request context's actor. */
export const CreateBooking = defineRequest(
  'booking.cmd.CreateBooking',
  z.object({ spaceId: Uuid, start: Timestamp, end: Timestamp, subject: BookingSubject.optional() }),
  BookingView,
);
export const GetBooking = defineRequest('booking.qry.GetBooking', z.object({ bookingId: Uuid }), BookingView);
