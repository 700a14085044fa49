/** Stream names of the booking service (ADR 0009). Ledger streams are private: never relayed nor projected. */
export const locationStream = (tenantId: string, locationId: string) => `location-${tenantId}-${locationId}`;
export const spaceStream = (tenantId: string, spaceId: string) => `space-${tenantId}-${spaceId}`;
export const policyStream = (tenantId: string) => `policy-${tenantId}`;
export const ledgerStream = (tenantId: string, pseudonym: string) => `ledger-${tenantId}-${pseudonym}`;
export const occupancyStream = (tenantId: string, locationId: string, day: string) => `occupancy-${tenantId}-${locationId}-${day}`;
