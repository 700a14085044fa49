import type { ForwardedRoute, RequestContext } from '@plass/contracts';
import type { Bus } from '@plass/bus';
import { etagOf } from './conditional.js';
import { anonymous, type RouteAnswer } from './route-handlers.js';
import { allRoutes, routeEntries, type GatewayRouteContract, type GatewayRouteId } from './route-table.js';

/** The routes the contracts declare as one bus request each (`forward`): the gateway needs no handler of its own for them. */
export type ForwardedRouteId = { [K in GatewayRouteId]: (typeof allRoutes)[K] extends { forward: ForwardedRoute } ? K : never }[GatewayRouteId];

/** What a forwarded route's handler reads of any route's input. */
interface Input {
  params: unknown;
  query: unknown;
  body: unknown;
  ctx?: RequestContext | undefined;
  correlationId: string;
  resourceId?: string;
  expectedVersion?: number | undefined;
}

/**
 * A forwarded route's handler: the request is the query and the body, with the path's ids, the
 * resource id an `Idempotency-Key` fixes and the `If-Match` version under the request's names;
 * the answer is the reply, with `Location` and `ETag` where the route has them.
 */
function forwarding(route: GatewayRouteContract, forward: ForwardedRoute, bus: Pick<Bus, 'request'>): (input: Input) => Promise<RouteAnswer> {
  const { request, params = {}, resourceId, expectedVersion, location } = forward;
  return async (input) => {
    const named = (field: string | undefined, value: unknown) => (field === undefined || value === undefined ? {} : { [field]: value });
    const payload = {
      ...(input.query as object | undefined),
      ...(input.body as object | undefined),
      ...Object.fromEntries(Object.entries(params).map(([param, field]) => [field, (input.params as Record<string, unknown>)[param]])),
      ...named(resourceId, input.resourceId),
      ...named(expectedVersion, input.expectedVersion),
    };
    const reply: unknown = await bus.request(request, payload, input.ctx ?? anonymous(input.correlationId));
    if (route.response.status === 204) return {};
    const answer = reply as { id?: unknown; version?: unknown };
    return {
      body: reply,
      ...(location !== undefined && typeof answer.id === 'string' ? { location: location.replace('{id}', answer.id) } : {}),
      ...(route.etag && typeof answer.version === 'number' ? { headers: { etag: etagOf(answer.version) } } : {}),
    };
  };
}

/** A handler for every forwarded route of the table. */
export function forwardedHandlers(bus: Pick<Bus, 'request'>): Record<ForwardedRouteId, (input: Input) => Promise<RouteAnswer>> {
  const handlers: Partial<Record<string, (input: Input) => Promise<RouteAnswer>>> = {};
  for (const [id, route] of routeEntries()) if (route.forward) handlers[id] = forwarding(route, route.forward, bus);
  return handlers as Record<ForwardedRouteId, (input: Input) => Promise<RouteAnswer>>;
}
