import { OPERATOR, piiRegistry, Problem, problemCatalog, type ErrorCode } from '@plass/contracts';
import { z } from 'zod';
import { problemType } from '../http/problem.js';
import type { GatewayRouteContract } from '../http/route-table.js';
import { problemsByStatus, problemsOf } from './route-problems.js';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a contract schema; personal fields carry `x-plass-pii`. */
function schemaOf(schema: z.ZodType, io: Io): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const pii = piiRegistry.get(zodSchema as unknown as z.ZodType);
      if (pii) jsonSchema['x-plass-pii'] = { category: pii.category, purpose: pii.purpose };
    },
  }) as JsonSchema;
  return json;
}

const problemRef = { $ref: '#/components/schemas/Problem' };
const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const securitySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "An access token from POST /v1/auth/token: EdDSA-signed, issuer `plass`, audience `plass-api`, keys at /.well-known/jwks.json. The tenant is always the token's.",
  },
  operatorToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The platform operator token (PLASS_OPERATOR_TOKEN), accepted only on routes whose roles include `operator`.',
  },
} as const;

/** Either scheme alone satisfies a route that admits both operator and tenant users. */
function securityOf(route: GatewayRouteContract): Array<Record<string, string[]>> {
  if (route.roles === 'public') return [];
  const operator = route.roles.includes(OPERATOR);
  const users = route.roles.some((role) => role !== OPERATOR);
  return [...(operator ? [{ operatorToken: [] }] : []), ...(users ? [{ bearerAuth: [] }] : [])];
}

/** Headers that come with a problem status. */
const problemHeaders: Record<number, Record<string, unknown>> = {
  401: { 'WWW-Authenticate': { description: 'Bearer challenge (RFC 6750); `error="invalid_token"` when a token was sent but not accepted', schema: { type: 'string' } } },
  429: { 'Retry-After': { description: 'Seconds until another attempt is admitted', schema: { type: 'integer' } } },
};

function problemSchema(code: ErrorCode): JsonSchema {
  return {
    title: code,
    allOf: [problemRef, { properties: { type: { const: problemType(code) }, code: { const: code }, status: { const: problemCatalog[code].status } } }],
  };
}

function problemResponses(route: GatewayRouteContract): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, codes] of problemsByStatus(problemsOf(route))) {
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${problemCatalog[code].title}`).join('; '),
      'x-plass-problems': codes,
      headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' }, ...problemHeaders[status] },
      content: { [PROBLEM_MEDIA_TYPE]: { schema: codes.length === 1 ? problemSchema(codes[0]!) : { oneOf: codes.map(problemSchema) } } },
    };
  }
  return responses;
}

function parameters(route: GatewayRouteContract): unknown[] {
  const inputs = [
    ['path', route.params],
    ['query', route.query],
  ] as const;
  return inputs.flatMap(([location, schema]) => {
    if (!schema) return [];
    const json = schemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, property]) => ({
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      schema: property,
    }));
  });
}

function successResponse(route: GatewayRouteContract): unknown {
  const { status, schema, description } = route.response;
  const mediaType = route.responseContentType ?? 'application/json';
  return {
    description,
    headers: {
      'X-Request-Id': { $ref: '#/components/headers/RequestId' },
      ...(status === 201 ? { Location: { description: 'Path of the created resource', schema: { type: 'string' } } } : {}),
      ...(route.etag ? { ETag: { $ref: '#/components/headers/ETag' } } : {}),
    },
    ...(status === 204
      ? {}
      : {
          content: {
            [mediaType.split(';', 1)[0]!]: { schema: schema ? schemaOf(schema, 'output') : mediaType.startsWith('text/') ? { type: 'string' } : {} },
            ...Object.fromEntries((route.alternativeMediaTypes ?? []).map((type) => [type, { schema: { type: 'string' } }])),
          },
        }),
  };
}

function operation(route: GatewayRouteContract): unknown {
  return {
    operationId: route.operationId,
    summary: route.summary,
    'x-plass-roles': route.roles,
    security: securityOf(route),
    parameters: [
      { $ref: '#/components/parameters/RequestId' },
      ...(route.idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
      ...(route.conditional ? [{ $ref: '#/components/parameters/IfMatch' }] : []),
      ...parameters(route),
    ],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } } } : {}),
    responses: { [String(route.response.status)]: successResponse(route), ...problemResponses(route) },
  };
}

/** OpenAPI 3.1 of a route table: every route with its roles, parameters, body, success and problems. */
export function buildOpenApi(table: Record<string, GatewayRouteContract>, info = { title: 'plass API', version: '1.0.0' }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of Object.values(table)) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        'Errors are RFC 9457 application/problem+json with a stable `code`. Every response echoes `X-Request-Id`. ' +
        'Authenticate with `Authorization: Bearer <access token>`; `x-plass-roles` names the roles a route admits. ' +
        'Login attempts are limited per client address (429 with `Retry-After`).',
    },
    paths,
    components: {
      schemas: { Problem: schemaOf(Problem, 'output') },
      securitySchemes,
      parameters: {
        RequestId: {
          name: 'X-Request-Id',
          in: 'header',
          required: false,
          description: 'A uuid to correlate this request across services; a fresh one is used otherwise.',
          schema: { type: 'string', format: 'uuid' },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Any 1–255 visible ASCII characters, new for each intended create (a uuid). The same key with the same request within 24 h ' +
            'answers as the first attempt did (a concurrent duplicate waits for it; `Idempotency-Replayed: true` marks a replay); ' +
            'the same key with another request is 422 `idempotency.key_reused`.',
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
        IfMatch: {
          name: 'If-Match',
          in: 'header',
          required: false,
          description:
            'The ETag the change is meant for (`"3"`, as a read of the resource answered it; `*` or absent: whatever it is now). ' +
            'The resource changed since: 412 with the problem `code` of the route (e.g. `booking.version_mismatch`); not an entity tag: 400 `validation.failed`.',
          schema: { type: 'string', maxLength: 100 },
        },
      },
      headers: {
        RequestId: { description: 'The correlation id of this request.', schema: { type: 'string', format: 'uuid' } },
        ETag: { description: 'The version of the resource as a strong entity tag (`"3"`): what `If-Match` names.', schema: { type: 'string' } },
      },
    },
  };
}
