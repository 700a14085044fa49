import { z } from 'zod';
import { Uuid } from '../envelope.js';
import { Role } from '../context.js';
import { pii } from '../pii.js';
import { defineEvent } from './define.js';

export const Locale = z.enum(['en', 'nb', 'da', 'sv', 'de']);
export type Locale = z.infer<typeof Locale>;

/** A user's own choice, where the tenant lets users decide whether colleagues see their bookings. */
export const BookingVisibilityChoice = z.enum(['visible', 'hidden']);

export const Email = pii(z.email().max(254), {
  category: 'contact',
  purpose: 'profile',
  description: "a user's e-mail address: login and notifications",
});
export const DisplayName = pii(z.string().trim().min(1).max(100), {
  category: 'name',
  purpose: 'profile',
  description: "a user's name as colleagues see it",
});
/** scrypt hash with its parameters; encrypted at rest like any personal value, never exported. */
export const PasswordHash = pii(z.string().min(1).max(512), {
  category: 'credential',
  purpose: 'profile',
  description: "a memory-hard hash of a user's password",
});

export const TenantCreated = defineEvent('identity', 'TenantCreated', z.object({ tenantId: Uuid, name: z.string() }));

export const UserRegistered = defineEvent(
  'identity',
  'UserRegistered',
  z.object({
    userId: Uuid,
    email: Email,
    displayName: DisplayName,
    role: Role,
    locale: Locale,
    passwordHash: PasswordHash.optional(),
  }),
);

export const UserRoleChanged = defineEvent('identity', 'UserRoleChanged', z.object({ userId: Uuid, role: Role }));

/** A correction or a user's own change: only the fields that changed are present. */
export const UserProfileChanged = defineEvent(
  'identity',
  'UserProfileChanged',
  z.object({
    userId: Uuid,
    email: Email.optional(),
    displayName: DisplayName.optional(),
    locale: Locale.optional(),
    bookingVisibility: BookingVisibilityChoice.optional(),
  }),
);

export const UserPasswordChanged = defineEvent('identity', 'UserPasswordChanged', z.object({ userId: Uuid, passwordHash: PasswordHash }));

export const UserDeactivated = defineEvent('identity', 'UserDeactivated', z.object({ userId: Uuid }));
