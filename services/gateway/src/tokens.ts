/** Nest injection tokens: every injection names its token (no reliance on decorator metadata). */
export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
export const BUS = Symbol('BUS');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const READINESS = Symbol('READINESS');
export const REQUEST_TELEMETRY = Symbol('REQUEST_TELEMETRY');
export const LOGIN_THROTTLE = Symbol('LOGIN_THROTTLE');
export const JWKS_CACHE = Symbol('JWKS_CACHE');
export const IDEMPOTENCY = Symbol('IDEMPOTENCY');
export const ERASED_SUBJECTS = Symbol('ERASED_SUBJECTS');
