import { z } from 'zod';
import { Timestamp, Uuid } from './envelope.js';
import type { ErrorCode } from './errors.js';
import type { Role } from './context.js';
import { BookingSubject, SpaceKind } from './events/booking.js';
import { BookingView, SpaceView } from './messages/booking.js';

/** Bodies are strict: unknown fields are rejected with their paths (400 validation.failed). */
export const CreateSpaceBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: SpaceKind,
  floor: z.string().trim().min(1).max(50).optional(),
  zone: z.string().trim().min(1).max(50).optional(),
});

export const CreateBookingBody = z
  .strictObject({
    spaceId: Uuid,
    start: Timestamp,
    end: Timestamp,
    subject: BookingSubject.optional(),
  })
  .refine((b) => Date.parse(b.end) > Date.parse(b.start), { message: 'end must be after start', path: ['end'] });

export const IdParams = z.strictObject({ id: Uuid });

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const Health = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()).optional() });

export interface RouteContract {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI form: `/v1/bookings/{id}`. */
  path: string;
  summary: string;
  /** `public` routes need no token. */
  roles: readonly Role[] | 'public';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: { status: number; schema?: z.ZodType; description: string };
  problems: readonly ErrorCode[];
}

const anyone: readonly Role[] = ['employee', 'admin', 'analyst', 'privacy_officer'];
const always: readonly ErrorCode[] = ['auth.unauthenticated', 'service.unavailable'];

export const routes = {
  createSpace: {
    operationId: 'createSpace',
    method: 'POST',
    path: '/v1/spaces',
    summary: 'Create a bookable space (desk, room or parking spot)',
    roles: ['admin'],
    body: CreateSpaceBody,
    response: { status: 201, schema: SpaceView, description: 'The created space' },
    problems: [...always, 'validation.failed', 'request.malformed', 'request.too_large', 'auth.forbidden'],
  },
  getSpace: {
    operationId: 'getSpace',
    method: 'GET',
    path: '/v1/spaces/{id}',
    summary: 'Read a space',
    roles: anyone,
    params: IdParams,
    response: { status: 200, schema: SpaceView, description: 'The space' },
    problems: [...always, 'validation.failed', 'space.not_found'],
  },
  createBooking: {
    operationId: 'createBooking',
    method: 'POST',
    path: '/v1/bookings',
    summary: 'Book a space for yourself',
    roles: anyone,
    body: CreateBookingBody,
    response: { status: 201, schema: BookingView, description: 'The confirmed booking' },
    problems: [...always, 'validation.failed', 'request.malformed', 'request.too_large', 'space.not_found', 'booking.conflict'],
  },
  getBooking: {
    operationId: 'getBooking',
    method: 'GET',
    path: '/v1/bookings/{id}',
    summary: 'Read a booking; personal fields read null once shredded',
    roles: anyone,
    params: IdParams,
    response: { status: 200, schema: BookingView, description: 'The booking' },
    problems: [...always, 'validation.failed', 'booking.not_found'],
  },
  healthz: {
    operationId: 'healthz',
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness: the gateway process answers',
    roles: 'public',
    response: { status: 200, schema: Health, description: 'Alive' },
    problems: [],
  },
  readyz: {
    operationId: 'readyz',
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: the gateway is connected to NATS',
    roles: 'public',
    response: { status: 200, schema: Health, description: 'Ready' },
    problems: ['service.unavailable'],
  },
} as const satisfies Record<string, RouteContract>;

export type RouteId = keyof typeof routes;
