/** Stream names of the privacy service: tenant and ids only. */
export const erasureStream = (tenantId: string, requestId: string) => `erasure-${tenantId}-${requestId}`;
export const exportStream = (tenantId: string, requestId: string) => `export-${tenantId}-${requestId}`;
export const policyStream = (tenantId: string) => `privacy-policy-${tenantId}`;
/** One user's acknowledgements of the tenant's policy versions. */
export const consentStream = (tenantId: string, userId: string) => `consent-${tenantId}-${userId}`;
export const legalHoldsStream = (tenantId: string) => `legal-holds-${tenantId}`;
export const subProcessorsStream = (tenantId: string) => `sub-processors-${tenantId}`;
/** The append-only audit log, one stream per tenant and UTC day, so a window reads only its days. */
export const auditStream = (tenantId: string, day: string) => `audit-${tenantId}-${day}`;
export const restrictionsStream = (tenantId: string) => `restrictions-${tenantId}`;
/** The controller's contact (Art. 30(1)(a)), sealed under each contact's own key. */
export const controllerStream = (tenantId: string) => `controller-${tenantId}`;
