import { z } from 'zod';
import { Timestamp, Uuid } from './envelope.js';
import type { ErrorCode } from './errors.js';
import type { CallerRole, Role } from './context.js';
import { BookingSubject, SpaceKind } from './events/booking.js';
import { BookingView, SpaceView } from './messages/booking.js';
import { BookingVisibilityChoice, DisplayName, Email, Locale } from './events/identity.js';
import { Jwks, Page, PageQuery, Password, TokenResponse, UserView } from './messages/identity.js';
import { Role as UserRole } from './context.js';

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

export const CreateTenantBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  admin: z.strictObject({ email: Email, displayName: DisplayName, password: Password }),
});
export const CreateUserBody = z.strictObject({
  email: Email,
  displayName: DisplayName,
  role: UserRole,
  password: Password.optional(),
  locale: Locale.optional(),
});
export const ChangeUserBody = z.strictObject({ role: UserRole });
export const UpdateMeBody = z
  .strictObject({ displayName: DisplayName.optional(), locale: Locale.optional(), bookingVisibility: BookingVisibilityChoice.optional() })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one field to change' });
export const TokenBody = z.strictObject({ tenantId: Uuid, email: z.string().max(254), password: z.string().max(200) });
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200) });
export const CreatedTenant = z.object({ tenantId: Uuid, adminUserId: Uuid });
export const CreatedUser = z.object({ id: Uuid });

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
  roles: readonly CallerRole[] | 'public';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: { status: number; schema?: z.ZodType; description: string };
  problems: readonly ErrorCode[];
}

const anyone: readonly Role[] = ['employee', 'admin', 'analyst', 'privacy_officer'];
const admins: readonly Role[] = ['admin'];
/** Every authenticated route can answer these. */
const always: readonly ErrorCode[] = ['auth.unauthenticated', 'auth.forbidden', 'service.unavailable'];
/** Every route with a JSON body can answer these. */
const bodyProblems: readonly ErrorCode[] = ['validation.failed', 'request.malformed', 'request.too_large', 'request.unsupported_media_type'];

export const routes = {
  createSpace: {
    operationId: 'createSpace',
    method: 'POST',
    path: '/v1/spaces',
    summary: 'Create a bookable space (desk, room or parking spot)',
    roles: ['admin'],
    body: CreateSpaceBody,
    response: { status: 201, schema: SpaceView, description: 'The created space' },
    problems: [...always, ...bodyProblems],
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
    problems: [...always, ...bodyProblems, 'space.not_found', 'booking.conflict', 'concurrency.conflict'],
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
  createTenant: {
    operationId: 'createTenant',
    method: 'POST',
    path: '/v1/tenants',
    summary: 'Create a tenant (a company) with its first admin — platform operator only',
    roles: ['operator'],
    body: CreateTenantBody,
    response: { status: 201, schema: CreatedTenant, description: 'The tenant and its admin user' },
    problems: [...always, ...bodyProblems],
  },
  createUser: {
    operationId: 'createUser',
    method: 'POST',
    path: '/v1/users',
    summary: 'Register a user in your tenant',
    roles: admins,
    body: CreateUserBody,
    response: { status: 201, schema: CreatedUser, description: 'The new user' },
    problems: [...always, ...bodyProblems, 'user.email_taken'],
  },
  listUsers: {
    operationId: 'listUsers',
    method: 'GET',
    path: '/v1/users',
    summary: "List your tenant's users",
    roles: admins,
    query: PageQuery,
    response: { status: 200, schema: Page(UserView), description: 'A page of users' },
    problems: [...always, 'validation.failed'],
  },
  getUser: {
    operationId: 'getUser',
    method: 'GET',
    path: '/v1/users/{id}',
    summary: 'Read a user',
    roles: admins,
    params: IdParams,
    response: { status: 200, schema: UserView, description: 'The user' },
    problems: [...always, 'validation.failed', 'user.not_found'],
  },
  changeUser: {
    operationId: 'changeUser',
    method: 'PATCH',
    path: '/v1/users/{id}',
    summary: "Change a user's role",
    roles: admins,
    params: IdParams,
    body: ChangeUserBody,
    response: { status: 200, schema: UserView, description: 'The user' },
    problems: [...always, ...bodyProblems, 'user.not_found', 'user.deactivated'],
  },
  deactivateUser: {
    operationId: 'deactivateUser',
    method: 'POST',
    path: '/v1/users/{id}/deactivate',
    summary: 'Deactivate a user: no more logins, tokens stop working at expiry',
    roles: admins,
    params: IdParams,
    response: { status: 200, schema: UserView, description: 'The user' },
    problems: [...always, 'validation.failed', 'user.not_found'],
  },
  getMe: {
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    summary: 'Read your own profile',
    roles: anyone,
    response: { status: 200, schema: UserView, description: 'You' },
    problems: [...always, 'user.not_found'],
  },
  updateMe: {
    operationId: 'updateMe',
    method: 'PATCH',
    path: '/v1/me',
    summary: 'Change your display name, locale or booking-visibility preference',
    roles: anyone,
    body: UpdateMeBody,
    response: { status: 200, schema: UserView, description: 'You' },
    problems: [...always, ...bodyProblems, 'user.not_found'],
  },
  issueToken: {
    operationId: 'issueToken',
    method: 'POST',
    path: '/v1/auth/token',
    summary: 'Log in: exchange e-mail and password for an access token (EdDSA JWT) and a refresh token',
    roles: 'public',
    body: TokenBody,
    response: { status: 200, schema: TokenResponse, description: 'Tokens' },
    problems: [...bodyProblems, 'auth.invalid_credentials', 'auth.rate_limited', 'service.unavailable'],
  },
  refreshToken: {
    operationId: 'refreshToken',
    method: 'POST',
    path: '/v1/auth/refresh',
    summary: 'Exchange a refresh token (used once) for new tokens',
    roles: 'public',
    body: RefreshBody,
    response: { status: 200, schema: TokenResponse, description: 'Tokens' },
    problems: [...bodyProblems, 'auth.invalid_credentials', 'service.unavailable'],
  },
  jwks: {
    operationId: 'jwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    summary: 'The public keys that verify access tokens',
    roles: 'public',
    response: { status: 200, schema: Jwks, description: 'JSON Web Key Set' },
    problems: ['service.unavailable'],
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
    summary: 'Readiness: NATS is connected and the identity, booking and privacy services answer',
    roles: 'public',
    response: { status: 200, schema: Health, description: 'Ready' },
    problems: ['service.unavailable'],
  },
} as const satisfies Record<string, RouteContract>;

export type RouteId = keyof typeof routes;
