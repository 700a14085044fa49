import { problemCatalog, type ErrorCode } from '@plass/contracts';
import { throttledRoutes, type GatewayRouteContract } from '../http/route-table.js';

/**
 * The problems a route can answer: those its contract names, plus those the gateway's own pipeline
 * answers for a route of its shape (auth, login throttling, parsing, validation) and `internal.error`.
 */
export function problemsOf(route: GatewayRouteContract): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.problems);
  // service.unavailable: the keys that verify tokens come from identity.
  if (route.roles !== 'public') codes.add('auth.unauthenticated').add('auth.forbidden').add('service.unavailable');
  // An erased person's still-valid token.
  if (route.roles !== 'public' && route.roles.some((role) => role !== 'operator')) codes.add('privacy.subject_erased');
  if (throttledRoutes.has(route.operationId)) codes.add('auth.rate_limited');
  if (route.params || route.query) codes.add('validation.failed');
  if (route.idempotent) codes.add('validation.failed').add('idempotency.key_reused');
  if (route.conditional) codes.add('validation.failed');
  if (route.body) {
    for (const code of ['validation.failed', 'request.malformed', 'request.too_large', 'request.unsupported_media_type'] as const) {
      codes.add(code);
    }
  }
  // Answered by the HTTP parser's limits before routing (see client-errors.ts).
  codes.add('http.uri_too_long').add('http.headers_too_large');
  codes.add('internal.error');
  return [...codes].sort((a, b) => problemCatalog[a].status - problemCatalog[b].status || a.localeCompare(b));
}

/** Problem codes grouped by their HTTP status, in status order. */
export function problemsByStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = problemCatalog[code].status;
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return groups;
}
