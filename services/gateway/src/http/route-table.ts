import { routes, type RouteContract } from '@plass/contracts';

export interface GatewayRouteContract extends RouteContract {
  /** Defaults to `application/json`. */
  responseContentType?: string;
}

/** Routes about the gateway itself; the API's routes come from the contracts' `routes` table. */
export const gatewayRoutes = {
  openapi: {
    operationId: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    roles: 'public',
    response: { status: 200, description: 'The OpenAPI document' },
    problems: [],
  },
  metrics: {
    operationId: 'metrics',
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics of the gateway',
    roles: 'public',
    response: { status: 200, description: 'Prometheus text exposition' },
    responseContentType: 'text/plain; version=0.0.4; charset=utf-8',
    problems: [],
  },
} as const satisfies Record<string, GatewayRouteContract>;

export const allRoutes = { ...routes, ...gatewayRoutes };
export type GatewayRouteId = keyof typeof allRoutes;

/** Routes limited per client address (login attempts, set-password redemptions): see `LoginThrottle`. */
export const throttledRoutes: ReadonlySet<string> = new Set<GatewayRouteId>(['issueToken', 'refreshToken', 'setPassword']);

export const routeEntries = (): [GatewayRouteId, GatewayRouteContract][] => Object.entries(allRoutes) as [GatewayRouteId, GatewayRouteContract][];

/** `/v1/bookings/{id}` → `/v1/bookings/:id` */
export const fastifyPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

const pathPattern = (path: string): RegExp =>
  new RegExp(
    `^${path
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}$`,
  );

const patterns = routeEntries().map(([, route]) => ({ method: route.method, pattern: pathPattern(route.path) }));

/** The methods served on a path; empty when no route has that path. */
export function methodsAt(path: string): string[] {
  const methods = new Set<string>(patterns.filter(({ pattern }) => pattern.test(path)).map(({ method }) => method));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
