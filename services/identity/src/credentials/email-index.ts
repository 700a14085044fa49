import { createHmac } from 'node:crypto';

/** One address, one spelling: surrounding space and case do not make a second account. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase().normalize('NFC');

/** Keyed HMAC of (tenant, normalized e-mail): findable by whoever knows the address and the key, by nobody else. */
export type EmailBlindIndex = (tenantId: string, email: string) => string;

export const emailBlindIndex =
  (key: Buffer): EmailBlindIndex =>
  (tenantId, email) =>
    createHmac('sha256', key).update(tenantId).update('\u0000').update(normalizeEmail(email)).digest('base64url');
