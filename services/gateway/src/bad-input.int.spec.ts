import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningGateway } from './gateway.js';
import { caller, httpClient, type Caller } from './test-support/http-client.js';
import { IdentityStub } from './test-support/identity-stub.js';
import { capturingLogger } from './test-support/log-capture.js';
import { startStubStack, type StubStack } from './test-support/stub-stack.js';

const BODY_LIMIT = 8 * 1024;

interface Case {
  name: string;
  method?: string;
  path?: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  as?: 'nobody';
  status: number;
  code: string;
  /** Paths the problem's `errors` must name. */
  errors?: string[];
}

const nested = (depth: number, leaf = '1') => '['.repeat(depth) + leaf + ']'.repeat(depth);
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const booking = (fields: Record<string, unknown>) => JSON.stringify({ spaceId: randomUUID(), start: '2030-01-01T09:00:00Z', end: '2030-01-01T10:00:00Z', ...fields });

const spaceCases: Case[] = [
  { name: 'malformed JSON', body: '{"name": "Desk", ', status: 400, code: 'request.malformed' },
  { name: 'an empty JSON body', body: '', status: 400, code: 'request.malformed' },
  { name: 'no body at all', body: new Uint8Array(), status: 400, code: 'validation.failed', errors: ['body'] },
  { name: 'a null body', body: 'null', status: 400, code: 'validation.failed', errors: ['body'] },
  { name: 'an array body', body: '[{"name":"Desk","kind":"desk"}]', status: 400, code: 'validation.failed', errors: ['body'] },
  { name: 'a string body', body: '"Desk"', status: 400, code: 'validation.failed', errors: ['body'] },
  { name: 'a number body', body: '42', status: 400, code: 'validation.failed', errors: ['body'] },
  { name: 'an unknown field', body: '{"name":"Desk","kind":"desk","colour":"red"}', status: 400, code: 'validation.failed', errors: ['body.colour'] },
  { name: 'a __proto__ key', body: '{"name":"Desk","kind":"desk","__proto__":{"isAdmin":true}}', status: 400, code: 'request.malformed' },
  { name: 'a constructor.prototype key', body: '{"name":"Desk","kind":"desk","constructor":{"prototype":{"x":1}}}', status: 400, code: 'request.malformed' },
  { name: 'wrong types', body: '{"name":42,"kind":["desk"],"floor":{}}', status: 400, code: 'validation.failed', errors: ['body.name', 'body.kind', 'body.floor'] },
  { name: 'a kind outside the enum', body: '{"name":"Desk","kind":"spaceship"}', status: 400, code: 'validation.failed', errors: ['body.kind'] },
  { name: 'a blank name', body: '{"name":"   ","kind":"desk"}', status: 400, code: 'validation.failed', errors: ['body.name'] },
  {
    name: 'a huge string under the limit',
    body: JSON.stringify({ name: 'x'.repeat(BODY_LIMIT - 100), kind: 'desk' }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.name'],
  },
  { name: 'a body over the limit', body: JSON.stringify({ name: 'x'.repeat(BODY_LIMIT * 4), kind: 'desk' }), status: 413, code: 'request.too_large' },
  { name: 'deeply nested arrays', body: nested(BODY_LIMIT / 2 - 10), status: 400, code: 'validation.failed', errors: ['body'] },
  { name: 'deeply nested objects in a field', body: `{"name":${nestedObject(BODY_LIMIT / 8)},"kind":"desk"}`, status: 400, code: 'validation.failed', errors: ['body.name'] },
  { name: 'many unknown fields', body: JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, i]))), status: 400, code: 'validation.failed' },
  { name: 'a very long unknown key', body: JSON.stringify({ name: 'Desk', kind: 'desk', ['k'.repeat(5000)]: 1 }), status: 400, code: 'validation.failed' },
  { name: 'text/plain', body: '{"name":"Desk","kind":"desk"}', headers: { 'content-type': 'text/plain' }, status: 415, code: 'request.unsupported_media_type' },
  { name: 'a form body', body: 'name=Desk&kind=desk', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'request.unsupported_media_type' },
  { name: 'XML', body: '<space/>', headers: { 'content-type': 'application/xml' }, status: 415, code: 'request.unsupported_media_type' },
  { name: 'a body without a content type', body: new TextEncoder().encode('{"name":"Desk","kind":"desk"}'), status: 415, code: 'request.unsupported_media_type' },
  {
    name: 'invalid UTF-8',
    body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'validation.failed',
  },
];

const bookingCases: Case[] = [
  { name: 'an invalid timestamp', body: booking({ start: 'tomorrow' }), status: 400, code: 'validation.failed', errors: ['body.start'] },
  { name: 'a timestamp without offset', body: booking({ start: '2030-01-01T09:00:00' }), status: 400, code: 'validation.failed', errors: ['body.start'] },
  { name: 'an impossible date', body: booking({ start: '2030-02-30T09:00:00Z' }), status: 400, code: 'validation.failed', errors: ['body.start'] },
  { name: 'end before start', body: booking({ end: '2030-01-01T08:00:00Z' }), status: 400, code: 'validation.failed', errors: ['body.end'] },
  { name: 'end equal to start', body: booking({ end: '2030-01-01T09:00:00Z' }), status: 400, code: 'validation.failed', errors: ['body.end'] },
  { name: 'a space id that is not a uuid', body: booking({ spaceId: '../../etc/passwd' }), status: 400, code: 'validation.failed', errors: ['body.spaceId'] },
  { name: 'a subject too long', body: booking({ subject: 's'.repeat(201) }), status: 400, code: 'validation.failed', errors: ['body.subject'] },
  { name: 'a null subject', body: booking({ subject: null }), status: 400, code: 'validation.failed', errors: ['body.subject'] },
  { name: 'an onBehalfOf that is not a uuid', body: booking({ onBehalfOf: 'someone@example.com' }), status: 400, code: 'validation.failed', errors: ['body.onBehalfOf'] },
  { name: 'a null onBehalfOf', body: booking({ onBehalfOf: null }), status: 400, code: 'validation.failed', errors: ['body.onBehalfOf'] },
  {
    name: 'a smuggled tenant and booker',
    body: booking({ tenantId: randomUUID(), bookedBy: randomUUID() }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.tenantId', 'body.bookedBy'],
  },
];

const pathCases: Case[] = [
  { name: 'an id that is not a uuid', method: 'GET', path: '/v1/bookings/42', status: 400, code: 'validation.failed', errors: ['params.id'] },
  { name: 'an id with SQL in it', method: 'GET', path: `/v1/spaces/${encodeURIComponent("1' OR '1'='1")}`, status: 400, code: 'validation.failed', errors: ['params.id'] },
  { name: 'a very long id', method: 'GET', path: `/v1/spaces/${'a'.repeat(900)}`, status: 400, code: 'validation.failed', errors: ['params.id'] },
  { name: 'an unknown route', method: 'GET', path: '/v1/nothing-here', status: 404, code: 'route.not_found' },
  { name: 'an unknown version', method: 'POST', path: '/v2/bookings', body: '{}', status: 404, code: 'route.not_found' },
  { name: 'an empty id', method: 'GET', path: '/v1/spaces/', status: 400, code: 'validation.failed', errors: ['params.id'] },
  { name: 'DELETE on a space', method: 'DELETE', path: `/v1/spaces/${randomUUID()}`, status: 405, code: 'method.not_allowed' },
  { name: 'DELETE on a booking id that is not a uuid', method: 'DELETE', path: '/v1/bookings/all', status: 400, code: 'validation.failed', errors: ['params.id'] },
  {
    name: 'DELETE with a traversal for an id',
    method: 'DELETE',
    path: `/v1/bookings/${encodeURIComponent('../spaces')}`,
    status: 400,
    code: 'validation.failed',
    errors: ['params.id'],
  },
  { name: 'check-in on an id that is not a uuid', method: 'POST', path: '/v1/bookings/1/check-in', status: 400, code: 'validation.failed', errors: ['params.id'] },
  {
    name: 'a space created under a location id that is not a uuid',
    method: 'POST',
    path: '/v1/locations/oslo/spaces',
    body: '{"name":"Desk","kind":"desk"}',
    status: 400,
    code: 'validation.failed',
    errors: ['params.id'],
  },
  { name: 'PUT on the bookings collection', method: 'PUT', path: '/v1/bookings', body: '{}', status: 405, code: 'method.not_allowed' },
  { name: 'POST on healthz', method: 'POST', path: '/healthz', body: '{}', as: 'nobody', status: 405, code: 'method.not_allowed' },
  { name: 'a query string on a route without one', method: 'GET', path: `/v1/spaces/${randomUUID()}?id=1&__proto__[x]=1`, status: 404, code: 'space.not_found' },
];

const user = (fields: Record<string, unknown>) => JSON.stringify({ email: 'new@fjord.example', displayName: 'New Person', role: 'employee', ...fields });

const identityCases: Case[] = [
  {
    name: 'createUser with an invalid e-mail',
    method: 'POST',
    path: '/v1/users',
    body: user({ email: 'not-an-address' }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.email'],
  },
  {
    name: 'createUser with an e-mail over 254 characters',
    method: 'POST',
    path: '/v1/users',
    body: user({ email: `${'a'.repeat(250)}@x.io` }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.email'],
  },
  { name: 'createUser with an unknown role', method: 'POST', path: '/v1/users', body: user({ role: 'superuser' }), status: 400, code: 'validation.failed', errors: ['body.role'] },
  { name: 'createUser with the operator role', method: 'POST', path: '/v1/users', body: user({ role: 'operator' }), status: 400, code: 'validation.failed', errors: ['body.role'] },
  {
    name: 'createUser with a short password',
    method: 'POST',
    path: '/v1/users',
    body: user({ password: 'short' }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.password'],
  },
  { name: 'createUser with an unknown locale', method: 'POST', path: '/v1/users', body: user({ locale: 'tlh' }), status: 400, code: 'validation.failed', errors: ['body.locale'] },
  {
    name: 'createUser smuggling a tenant',
    method: 'POST',
    path: '/v1/users',
    body: user({ tenantId: randomUUID() }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.tenantId'],
  },
  { name: 'changeUser with nothing to change', method: 'PATCH', path: `/v1/users/${randomUUID()}`, body: '{}', status: 400, code: 'validation.failed', errors: ['body'] },
  {
    name: 'changeUser with a malformed e-mail',
    method: 'PATCH',
    path: `/v1/users/${randomUUID()}`,
    body: '{"email":"not-an-address"}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.email'],
  },
  { name: 'changeUser on a non-uuid id', method: 'PATCH', path: '/v1/users/me', body: '{"role":"admin"}', status: 400, code: 'validation.failed', errors: ['params.id'] },
  { name: 'updateMe with nothing to change', method: 'PATCH', path: '/v1/me', body: '{}', status: 400, code: 'validation.failed' },
  { name: 'updateMe trying to change its own role', method: 'PATCH', path: '/v1/me', body: '{"role":"admin"}', status: 400, code: 'validation.failed', errors: ['body.role'] },
  {
    name: 'updateMe with a blank display name',
    method: 'PATCH',
    path: '/v1/me',
    body: '{"displayName":"  "}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.displayName'],
  },
  { name: 'listUsers with limit 0', method: 'GET', path: '/v1/users?limit=0', status: 400, code: 'validation.failed', errors: ['query.limit'] },
  { name: 'listUsers with limit 10000', method: 'GET', path: '/v1/users?limit=10000', status: 400, code: 'validation.failed', errors: ['query.limit'] },
  { name: 'listUsers with a word for a limit', method: 'GET', path: '/v1/users?limit=all', status: 400, code: 'validation.failed', errors: ['query.limit'] },
  {
    name: 'listUsers with a cursor over 200 characters',
    method: 'GET',
    path: `/v1/users?cursor=${'c'.repeat(300)}`,
    status: 400,
    code: 'validation.failed',
    errors: ['query.cursor'],
  },
  {
    name: 'login with a tenant that is not a uuid',
    method: 'POST',
    path: '/v1/auth/token',
    as: 'nobody',
    body: '{"tenantId":"acme","email":"a@b.io","password":"x"}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.tenantId'],
  },
  {
    name: 'login with an array for a password',
    method: 'POST',
    path: '/v1/auth/token',
    as: 'nobody',
    body: `{"tenantId":"${randomUUID()}","email":"a@b.io","password":["x"]}`,
    status: 400,
    code: 'validation.failed',
    errors: ['body.password'],
  },
  {
    name: 'login with a huge password',
    method: 'POST',
    path: '/v1/auth/token',
    as: 'nobody',
    body: JSON.stringify({ tenantId: randomUUID(), email: 'a@b.io', password: 'p'.repeat(5000) }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.password'],
  },
  {
    name: 'refresh with an empty token',
    method: 'POST',
    path: '/v1/auth/refresh',
    as: 'nobody',
    body: '{"refreshToken":""}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.refreshToken'],
  },
  {
    name: 'createTenant without an admin',
    method: 'POST',
    path: '/v1/tenants',
    as: 'nobody',
    body: '{"name":"Fjord"}',
    headers: { authorization: `Bearer ${'o'.repeat(40)}` },
    status: 401,
    code: 'auth.unauthenticated',
  },
];

const location = (fields: Record<string, unknown>) => JSON.stringify({ name: 'Oslo', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5], ...fields });
const locationPath = `/v1/locations/${randomUUID()}`;
const spacePath = `/v1/spaces/${randomUUID()}`;

const placeCases: Case[] = [
  {
    name: 'createLocation in a time zone that does not exist',
    method: 'POST',
    path: '/v1/locations',
    body: location({ timezone: 'Mars/Olympus' }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.timezone'],
  },
  {
    name: 'createLocation with a time zone that is no string',
    method: 'POST',
    path: '/v1/locations',
    body: location({ timezone: 1 }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.timezone'],
  },
  {
    name: 'createLocation with weekday 8',
    method: 'POST',
    path: '/v1/locations',
    body: location({ bookableWeekdays: [1, 8] }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.bookableWeekdays.1'],
  },
  {
    name: 'createLocation with weekday 0',
    method: 'POST',
    path: '/v1/locations',
    body: location({ bookableWeekdays: [0] }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.bookableWeekdays.0'],
  },
  {
    name: 'createLocation with a weekday twice',
    method: 'POST',
    path: '/v1/locations',
    body: location({ bookableWeekdays: [1, 2, 2] }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.bookableWeekdays'],
  },
  {
    name: 'createLocation with no weekdays',
    method: 'POST',
    path: '/v1/locations',
    body: location({ bookableWeekdays: [] }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.bookableWeekdays'],
  },
  {
    name: 'createLocation with weekday names',
    method: 'POST',
    path: '/v1/locations',
    body: location({ bookableWeekdays: ['monday'] }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.bookableWeekdays.0'],
  },
  {
    name: 'createLocation with capacity 0',
    method: 'POST',
    path: '/v1/locations',
    body: location({ capacity: 0 }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.capacity'],
  },
  {
    name: 'createLocation with a fractional capacity',
    method: 'POST',
    path: '/v1/locations',
    body: location({ capacity: 2.5 }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.capacity'],
  },
  {
    name: 'createLocation with a smuggled id and status',
    method: 'POST',
    path: '/v1/locations',
    body: location({ id: randomUUID(), status: 'disabled' }),
    status: 400,
    code: 'validation.failed',
    errors: ['body.id', 'body.status'],
  },
  { name: 'updateLocation with nothing to change', method: 'PATCH', path: locationPath, body: '{}', status: 400, code: 'validation.failed', errors: ['body'] },
  {
    name: 'updateLocation in a time zone that does not exist',
    method: 'PATCH',
    path: locationPath,
    body: '{"timezone":"Mars/Olympus"}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.timezone'],
  },
  { name: 'updateLocation with capacity 0', method: 'PATCH', path: locationPath, body: '{"capacity":0}', status: 400, code: 'validation.failed', errors: ['body.capacity'] },
  {
    name: 'updateLocation with a weekday twice',
    method: 'PATCH',
    path: locationPath,
    body: '{"bookableWeekdays":[7,7]}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.bookableWeekdays'],
  },
  {
    name: 'updateLocation on an id that is not a uuid',
    method: 'PATCH',
    path: '/v1/locations/oslo',
    body: '{"name":"Oslo"}',
    status: 400,
    code: 'validation.failed',
    errors: ['params.id'],
  },
  { name: 'updateSpace with nothing to change', method: 'PATCH', path: spacePath, body: '{}', status: 400, code: 'validation.failed', errors: ['body'] },
  { name: 'updateSpace changing its kind', method: 'PATCH', path: spacePath, body: '{"kind":"room"}', status: 400, code: 'validation.failed', errors: ['body.kind'] },
  { name: 'updateSpace with a blank name', method: 'PATCH', path: spacePath, body: '{"name":" "}', status: 400, code: 'validation.failed', errors: ['body.name'] },
  { name: 'listLocations with limit 0', method: 'GET', path: '/v1/locations?limit=0', status: 400, code: 'validation.failed', errors: ['query.limit'] },
  { name: 'listSpaces with a word for a limit', method: 'GET', path: `${locationPath}/spaces?limit=many`, status: 400, code: 'validation.failed', errors: ['query.limit'] },
];

const settingsCases: Case[] = [
  {
    name: 'changeBookingPolicy with nothing to change',
    method: 'PATCH',
    path: '/v1/settings/booking-policy',
    body: '{}',
    status: 400,
    code: 'validation.failed',
    errors: ['body'],
  },
  {
    name: 'changeBookingPolicy with a number as a string',
    method: 'PATCH',
    path: '/v1/settings/booking-policy',
    body: '{"maxDaysInAdvance":"30"}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.maxDaysInAdvance'],
  },
  {
    name: 'changeBookingPolicy with a boolean as a string',
    method: 'PATCH',
    path: '/v1/settings/booking-policy',
    body: '{"adminsExempt":"yes"}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.adminsExempt'],
  },
  {
    name: 'changeBookingPolicy with a negative grace period',
    method: 'PATCH',
    path: '/v1/settings/booking-policy',
    body: '{"checkInGraceMinutes":-1}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.checkInGraceMinutes'],
  },
  {
    name: 'changeBookingPolicy with an unknown rule',
    method: 'PATCH',
    path: '/v1/settings/booking-policy',
    body: '{"maxDaysInAdvance":7,"unlimited":true}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.unlimited'],
  },
  {
    name: 'changePrivacySettings with a visibility outside the enum',
    method: 'PATCH',
    path: '/v1/settings/privacy',
    body: '{"bookingVisibility":"friends"}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.bookingVisibility'],
  },
  { name: 'changePrivacySettings with nothing', method: 'PATCH', path: '/v1/settings/privacy', body: '{}', status: 400, code: 'validation.failed', errors: ['body'] },
  {
    name: 'changePrivacySettings with zero retention days',
    method: 'PATCH',
    path: '/v1/settings/privacy',
    body: '{"anonymizeBookingsAfterDays":0}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.anonymizeBookingsAfterDays'],
  },
  {
    name: 'requestErasure naming no uuid',
    method: 'POST',
    path: '/v1/privacy/erasure-requests',
    body: '{"subjectId":"erika"}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.subjectId'],
  },
  {
    name: 'requestExport with an unknown field',
    method: 'POST',
    path: '/v1/privacy/export-requests',
    body: `{"subjectId":"${randomUUID()}","format":"csv"}`,
    status: 400,
    code: 'validation.failed',
  },
  { name: 'getErasureRequest on a non-uuid id', method: 'GET', path: '/v1/privacy/erasure-requests/latest', status: 400, code: 'validation.failed', errors: ['params.id'] },
  {
    name: 'publishPrivacyPolicy with a version of spaces',
    method: 'PUT',
    path: '/v1/privacy/policy',
    body: '{"version":"v 2","text":"Policy","requireAcknowledgement":true}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.version'],
  },
  {
    name: 'placeLegalHold with a free-text reason',
    method: 'POST',
    path: '/v1/privacy/legal-holds',
    body: `{"subjectId":"${randomUUID()}","reason":"because I say so"}`,
    status: 400,
    code: 'validation.failed',
    errors: ['body.reason'],
  },
  {
    name: 'setSubProcessors with a country name',
    method: 'PUT',
    path: '/v1/privacy/sub-processors',
    body: '{"items":[{"name":"Mailer","purpose":"e-mail","country":"Norway"}]}',
    status: 400,
    code: 'validation.failed',
    errors: ['body.items.0.country'],
  },
];

const window = (from: string, to: string) => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
const windowRoutes = ['/v1/bookings', `${spacePath}/bookings`, `${locationPath}/availability`];
const windowCases: Case[] = windowRoutes.flatMap((path): Case[] => [
  { name: `${path}: no window`, method: 'GET', path, status: 400, code: 'validation.failed', errors: ['query.from', 'query.to'] },
  {
    name: `${path}: to before from`,
    method: 'GET',
    path: `${path}?${window('2030-01-02T00:00:00Z', '2030-01-01T00:00:00Z')}`,
    status: 400,
    code: 'validation.failed',
    errors: ['query.to'],
  },
  {
    name: `${path}: to equal to from`,
    method: 'GET',
    path: `${path}?${window('2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z')}`,
    status: 400,
    code: 'validation.failed',
    errors: ['query.to'],
  },
  {
    name: `${path}: a window over 62 days`,
    method: 'GET',
    path: `${path}?${window('2030-01-01T00:00:00Z', '2030-03-05T00:00:00Z')}`,
    status: 400,
    code: 'validation.failed',
    errors: ['query.to'],
  },
]);
windowCases.push(
  {
    name: 'listMyBookings with a from that is no timestamp',
    method: 'GET',
    path: `/v1/bookings?${window('yesterday', '2030-01-01T00:00:00Z')}`,
    status: 400,
    code: 'validation.failed',
    errors: ['query.from'],
  },
  {
    name: 'listMyBookings with an unencoded + offset',
    method: 'GET',
    path: '/v1/bookings?from=2030-01-01T00:00:00+01:00&to=2030-01-02T00:00:00Z',
    status: 400,
    code: 'validation.failed',
    errors: ['query.from'],
  },
  {
    name: 'listMyBookings with from twice',
    method: 'GET',
    path: `/v1/bookings?${window('2030-01-01T00:00:00Z', '2030-01-02T00:00:00Z')}&from=2030-01-01T01:00:00Z`,
    status: 400,
    code: 'validation.failed',
    errors: ['query.from'],
  },
);

describe('bad input never reaches a 5xx', () => {
  let gateway: RunningGateway;
  let identity: IdentityStub;
  let call: ReturnType<typeof httpClient>;
  const logs = capturingLogger();
  const who: Caller = caller(['admin', 'employee']);

  let stack: StubStack;

  beforeAll(async () => {
    stack = await startStubStack({ logger: logs.logger, bodyLimitBytes: BODY_LIMIT });
    ({ identity, gateway, call } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const check = (path: string, method: string) => async (testCase: Case) => {
    const target = testCase.path ?? path;
    const answer = await call(testCase.method ?? method, target, {
      ...(testCase.as === 'nobody' ? {} : { as: who }),
      ...(testCase.body !== undefined ? { body: testCase.body } : {}),
      ...(testCase.headers ? { headers: testCase.headers } : {}),
    });
    expect({ status: answer.status, code: answer.json().code }).toEqual({ status: testCase.status, code: testCase.code });
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = answer.json<{ instance: string; errors?: Array<{ path: string; message: string }> }>();
    expect(problem.instance).toBe(target.split('?')[0]);
    if (testCase.errors) expect(problem.errors?.map((error) => error.path)).toEqual(expect.arrayContaining(testCase.errors));
    if (problem.errors) expect(problem.errors.length).toBeLessThanOrEqual(20);
    if (testCase.code === 'method.not_allowed') expect(answer.headers.get('allow')).toBeTruthy();
  };

  const spacesPath = `/v1/locations/${randomUUID()}/spaces`;
  it.each(spaceCases.map((c) => [c.name, c] as const))('POST /v1/locations/{id}/spaces with %s', (_name, c) => check(spacesPath, 'POST')(c));
  it.each(bookingCases.map((c) => [c.name, c] as const))('POST /v1/bookings with %s', (_name, c) => check('/v1/bookings', 'POST')(c));
  it.each(pathCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check('', 'GET')(c));
  it.each(identityCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check('', 'GET')(c));
  it.each(placeCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check('', 'GET')(c));
  it.each(settingsCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check('', 'GET')(c));
  it.each(windowCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check('', 'GET')(c));

  it('answers a malformed URL with 400, not a crash', async () => {
    const authorization = `Bearer ${await identity.tokenFor(who)}`;
    const status = await new Promise<{ status: number; type: string | undefined; id: string | undefined }>((resolve, reject) => {
      const url = new URL(gateway.url);
      const req = httpRequest({ host: url.hostname, port: url.port, method: 'GET', path: '/v1/spaces/%E0%A4%A', headers: { authorization } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], id: res.headers['x-request-id'] as string | undefined }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status.status).toBe(400);
    expect(status.type).toMatch(/^application\/problem\+json/);
    expect(status.id).toBeTruthy();
  });

  /** A request written to a plain socket, and whatever comes back until the server closes it. */
  const rawExchange = (head: string) =>
    new Promise<{ status: number; type: string | undefined; body: Record<string, unknown> }>((resolve, reject) => {
      const url = new URL(gateway.url);
      const socket = connect(Number(url.port), url.hostname, () => socket.write(head));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const [head, body = ''] = text.split('\r\n\r\n', 2);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head ?? '')?.[1] ?? 0);
        const type = /^content-type: (.*)$/im.exec(head ?? '')?.[1];
        resolve({ status, type, body: body ? (JSON.parse(body) as Record<string, unknown>) : {} });
      });
    });

  it.each([
    ['a 100 KB URL', `GET /v1/spaces/${'a'.repeat(100_000)} HTTP/1.1\r\nHost: plass\r\n\r\n`, 414, 'http.uri_too_long'],
    ['a 20 KB URL', `GET /v1/spaces?cursor=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: plass\r\n\r\n`, 414, 'http.uri_too_long'],
    ['a bearer token over the header limit', `GET /v1/me HTTP/1.1\r\nHost: plass\r\nAuthorization: Bearer ${'a'.repeat(100_000)}\r\n\r\n`, 431, 'http.headers_too_large'],
    [
      'many header fields',
      `GET /v1/me HTTP/1.1\r\nHost: plass\r\n${Array.from({ length: 500 }, (_, i) => `x-filler-${i}: ${'b'.repeat(60)}\r\n`).join('')}\r\n`,
      431,
      'http.headers_too_large',
    ],
  ])('answers %s at the HTTP parser with problem+json, not a dropped connection', async (_name, head, status, code) => {
    const answer = await rawExchange(head);
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
    expect(answer.type).toMatch(/^application\/problem\+json/);
  });

  it('answers an oversized token to a real HTTP client that is still sending it', async () => {
    const answer = await fetch(`${gateway.url}/v1/me`, { headers: { authorization: `Bearer ${'a'.repeat(100_000)}` } });
    expect({ status: answer.status, code: ((await answer.json()) as { code: string }).code }).toEqual({ status: 431, code: 'http.headers_too_large' });
  });

  it('logged no unexpected error for any of it', () => {
    expect(logs.records().filter((record) => (record.level as number) >= 50)).toEqual([]);
    expect(logs.records().filter((record) => typeof record.status === 'number' && record.status >= 500)).toEqual([]);
  });
});
