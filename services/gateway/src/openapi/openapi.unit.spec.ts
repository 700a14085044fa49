import { describe, expect, it } from '@jest/globals';
import { problemCatalog, routes } from '@plass/contracts';
import { allRoutes, type GatewayRouteContract } from '../http/route-table.js';
import { buildOpenApi } from './openapi.js';
import { problemsOf } from './route-problems.js';

type Operation = {
  operationId: string;
  summary: string;
  'x-plass-roles': unknown;
  security: unknown[];
  parameters: Array<{ name?: string; in?: string; $ref?: string }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<
    string,
    { description: string; 'x-plass-problems'?: string[]; headers?: Record<string, unknown>; content?: Record<string, { schema: Record<string, unknown> }> }
  >;
};

const document = buildOpenApi(allRoutes);
const operationOf = (route: GatewayRouteContract) => document.paths[route.path]?.[route.method.toLowerCase()] as Operation | undefined;

describe('buildOpenApi', () => {
  it('is OpenAPI 3.1 with the Problem schema and the bearer JWT and operator token schemes', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.schemas.Problem).toMatchObject({ type: 'object', required: expect.arrayContaining(['type', 'title', 'status', 'code']) });
    expect(document.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      operatorToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
  });

  it('asks for the operator token on operator routes and a JWT on every other protected route', () => {
    expect(operationOf(routes.createTenant)!.security).toEqual([{ operatorToken: [] }]);
    expect(operationOf(routes.createUser)!.security).toEqual([{ bearerAuth: [] }]);
    expect(operationOf(routes.issueToken)!.security).toEqual([]);
    expect(operationOf(routes.jwks)!.security).toEqual([]);
  });

  it('documents the Bearer challenge on 401 and Retry-After on the throttled login routes', () => {
    expect(operationOf(routes.getMe)!.responses['401']!.headers).toHaveProperty('WWW-Authenticate');
    for (const route of [routes.issueToken, routes.refreshToken, routes.setPassword]) {
      const tooMany = operationOf(route)!.responses['429']!;
      expect(tooMany['x-plass-problems']).toEqual(['auth.rate_limited']);
      expect(tooMany.headers).toHaveProperty('Retry-After');
    }
  });

  it.each(Object.entries(allRoutes))('documents %s with its summary, roles, security, success and every problem', (id, route: GatewayRouteContract) => {
    const operation = operationOf(route);
    expect(operation).toMatchObject({ operationId: id, summary: route.summary, 'x-plass-roles': route.roles });
    if (route.roles === 'public') expect(operation!.security).toEqual([]);
    else {
      expect(route.roles.length).toBeGreaterThan(0);
      expect(operation!.security).toEqual(route.roles.includes('operator') ? [{ operatorToken: [] }] : [{ bearerAuth: [] }]);
      expect(problemsOf(route)).toEqual(expect.arrayContaining(['auth.unauthenticated', 'auth.forbidden']));
    }
    expect(operation!.responses[String(route.response.status)]?.description).toBe(route.response.description);

    const documented = Object.values(operation!.responses).flatMap((response) => response['x-plass-problems'] ?? []);
    expect(documented).toEqual(expect.arrayContaining([...route.problems]));
    expect(documented.sort()).toEqual(problemsOf(route).sort());
    for (const code of documented) {
      const response = operation!.responses[String(problemCatalog[code as keyof typeof problemCatalog].status)]!;
      expect(response.description).toContain(code);
      expect(JSON.stringify(response.content?.['application/problem+json']?.schema)).toContain(`"const":"${code}"`);
    }
  });

  it('adds what the gateway itself answers for a route of that shape', () => {
    expect(problemsOf(routes.createSpace)).toEqual(expect.arrayContaining(['request.unsupported_media_type', 'internal.error', 'auth.forbidden']));
    expect(problemsOf(routes.refreshToken)).toEqual(expect.arrayContaining(['auth.rate_limited', 'validation.failed']));
    expect(problemsOf(routes.jwks)).not.toContain('auth.unauthenticated');
    expect(problemsOf(routes.getBooking)).toEqual(expect.arrayContaining(['auth.forbidden', 'validation.failed']));
    expect(problemsOf(routes.healthz)).toEqual(['http.uri_too_long', 'http.headers_too_large', 'internal.error']);
  });

  it('groups codes sharing a status into one response with oneOf', () => {
    const created = operationOf(routes.createSpace)!;
    const badRequest = created.responses['400']!;
    expect(badRequest['x-plass-problems']).toEqual(['request.malformed', 'validation.failed']);
    expect(badRequest.content?.['application/problem+json']?.schema.oneOf).toHaveLength(2);
  });

  it('documents path parameters, strict request bodies and the Location of created resources', () => {
    const getBooking = operationOf(routes.getBooking)!;
    expect(getBooking.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'path', required: true })]));
    const createBooking = operationOf(routes.createBooking)!;
    const body = createBooking.requestBody!.content['application/json']!.schema;
    expect(body).toMatchObject({ type: 'object', additionalProperties: false, required: ['spaceId', 'start', 'end'] });
    expect(createBooking.responses['201']!.headers).toHaveProperty('Location');
    const view = createBooking.responses['201']!.content!['application/json']!.schema as { properties: Record<string, unknown> };
    expect(view.properties.bookedBy).toEqual({ anyOf: [expect.objectContaining({ format: 'uuid' }), { type: 'null' }] });
    expect((body as { properties: Record<string, Record<string, unknown>> }).properties.subject?.['x-plass-pii']).toEqual({ category: 'free_text', purpose: 'booking' });
  });

  it('documents query parameters, required only where the contract requires them', () => {
    const window = operationOf(routes.listMyBookings)!.parameters.filter((parameter) => parameter.in === 'query');
    expect(window).toEqual([
      expect.objectContaining({ name: 'from', required: true, schema: expect.objectContaining({ format: 'date-time' }) }),
      expect.objectContaining({ name: 'to', required: true, schema: expect.objectContaining({ format: 'date-time' }) }),
    ]);
    const spaces = operationOf(routes.listSpaces)!.parameters;
    expect(spaces).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'id', in: 'path', required: true }),
        expect.objectContaining({ name: 'cursor', in: 'query', required: false }),
        expect.objectContaining({ name: 'limit', in: 'query', required: false }),
      ]),
    );
  });

  it('documents a 204 with no content, and the Location of a space created under its location', () => {
    const cancelled = operationOf(routes.cancelBooking)!.responses['204']!;
    expect(cancelled.description).toBe(routes.cancelBooking.response.description);
    expect(cancelled).not.toHaveProperty('content');
    expect(cancelled.headers).not.toHaveProperty('Location');
    const createSpace = operationOf(routes.createSpace)!;
    expect(document.paths['/v1/locations/{id}/spaces']).toHaveProperty('post');
    expect(createSpace.responses['201']!.headers).toHaveProperty('Location');
    expect(createSpace.responses['404']!['x-plass-problems']).toEqual(['location.not_found']);
  });

  it('documents setting a first password: public, 204 without content, the token refusal and the body problems', () => {
    const operation = operationOf(routes.setPassword)!;
    expect(operation.security).toEqual([]);
    expect(operation.responses['204']).not.toHaveProperty('content');
    expect(operation.responses['401']!['x-plass-problems']).toEqual(['auth.invalid_token']);
    expect(operation.responses['400']!['x-plass-problems']).toEqual(['request.malformed', 'validation.failed']);
    expect(operation.requestBody!.content['application/json']!.schema).toMatchObject({ additionalProperties: false, required: ['token', 'password'] });
  });

  it('serves metrics as text', () => {
    expect(Object.keys(operationOf(allRoutes.metrics)!.responses['200']!.content!)).toEqual(['text/plain']);
  });

  // Editing a booking
  it('documents If-Match on the booking edit, the ETag of a read or edited booking, and the 412 of a stale one', () => {
    const edit = operationOf(routes.editBooking)!;
    expect(document.paths['/v1/bookings/{id}']).toEqual(expect.objectContaining({ get: expect.anything(), patch: expect.anything(), delete: expect.anything() }));
    expect(edit.parameters).toEqual(expect.arrayContaining([{ $ref: '#/components/parameters/IfMatch' }]));
    expect(document.components.parameters.IfMatch).toMatchObject({ name: 'If-Match', in: 'header', required: false });
    expect(edit.responses['412']!['x-plass-problems']).toEqual(['booking.version_mismatch']);
    expect(edit.responses['409']!['x-plass-problems']).toEqual(expect.arrayContaining(['booking.already_started', 'booking.conflict']));
    expect(edit.requestBody!.content['application/json']!.schema).toMatchObject({ type: 'object', additionalProperties: false });
    for (const route of [routes.editBooking, routes.getBooking]) expect(operationOf(route)!.responses['200']!.headers).toHaveProperty('ETag');
    expect(operationOf(routes.getBooking)!.parameters).not.toEqual(expect.arrayContaining([{ $ref: '#/components/parameters/IfMatch' }]));
  });
});
