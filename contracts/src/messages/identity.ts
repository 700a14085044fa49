import { z } from 'zod';
import { Timestamp, Uuid } from '../envelope.js';
import { Role } from '../context.js';
import { BookingVisibilityChoice, DisplayName, Email, Locale } from '../events/identity.js';
import { defineRequest } from './define.js';
import { Page, PageQuery } from './paging.js';

/** Passwords cross NATS only inside a request (TLS in production) and are never stored or logged. */
export const Password = z.string().min(12).max(200);

export const UserStatus = z.enum(['active', 'deactivated']);

/** A user as read back: personal fields are null where their key was destroyed, named in `redacted`. */
export const UserView = z.object({
  id: Uuid,
  email: Email.nullable(),
  displayName: DisplayName.nullable(),
  role: Role,
  locale: Locale,
  status: UserStatus,
  bookingVisibility: BookingVisibilityChoice.optional(),
  redacted: z.array(z.string()),
});
export type UserView = z.infer<typeof UserView>;

export const TokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
  refreshToken: z.string(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** An Ed25519 public key as JWKS publishes it. */
export const PublicJwk = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string(),
  kid: z.string(),
  alg: z.literal('EdDSA'),
  use: z.literal('sig'),
});
export const Jwks = z.object({ keys: z.array(PublicJwk) });

/** Operator only (ctx.roles = ['operator'], ctx.tenantId = PLATFORM_TENANT). */
export const CreateTenant = defineRequest(
  'identity.cmd.CreateTenant',
  z.object({
    name: z.string().trim().min(1).max(100),
    admin: z.object({ email: Email, displayName: DisplayName, password: Password }),
  }),
  z.object({ tenantId: Uuid, adminUserId: Uuid }),
);

export const RegisterUser = defineRequest(
  'identity.cmd.RegisterUser',
  z.object({ email: Email, displayName: DisplayName, role: Role, password: Password.optional(), locale: Locale.optional() }),
  z.object({ id: Uuid }),
);
export const ListUsers = defineRequest('identity.qry.ListUsers', PageQuery, Page(UserView));
export const GetUser = defineRequest('identity.qry.GetUser', z.object({ userId: Uuid }), UserView);
export const ChangeUserRole = defineRequest('identity.cmd.ChangeUserRole', z.object({ userId: Uuid, role: Role }), UserView);
/** Rectification (Art. 16) by an admin: any subset of role, e-mail and name; the correction is an event. */
export const CorrectUser = defineRequest(
  'identity.cmd.CorrectUser',
  z.object({ userId: Uuid, role: Role.optional(), email: Email.optional(), displayName: DisplayName.optional() }),
  UserView,
);
export const DeactivateUser = defineRequest('identity.cmd.DeactivateUser', z.object({ userId: Uuid }), UserView);

/** The actor's own profile (ctx.actorId). */
export const GetMe = defineRequest('identity.qry.GetMe', z.object({}), UserView);
export const UpdateMe = defineRequest(
  'identity.cmd.UpdateMe',
  z.object({ email: Email.optional(), displayName: DisplayName.optional(), locale: Locale.optional(), bookingVisibility: BookingVisibilityChoice.optional() }),
  UserView,
);

/** Login. The gateway limits attempts per client address; identity limits them per account. */
export const IssueToken = defineRequest(
  'identity.auth.IssueToken',
  z.object({
    tenantId: Uuid,
    email: z.string().max(254),
    password: z.string().max(200),
    /** The client's address prefix as the gateway saw it (an IPv4 address, an IPv6 /64): failed logins are counted per address too. */
    clientAddress: z.string().max(64).optional(),
  }),
  TokenResponse,
);
export const RefreshToken = defineRequest('identity.auth.RefreshToken', z.object({ refreshToken: z.string().min(1).max(200) }), TokenResponse);
export const GetJwks = defineRequest('identity.auth.GetJwks', z.object({}), Jwks);
/**
 * A set-password token for a user registered without a password (the invitation mail's link).
 * Service to service only (NATS permissions), never forwarded by the gateway; for a user of ctx.tenantId.
 */
export const IssuePasswordToken = defineRequest('identity.auth.IssuePasswordToken', z.object({ userId: Uuid }), z.object({ token: z.string(), expiresAt: Timestamp }));
/** Redeems a set-password token once; every failure of the token answers `auth.invalid_token`. */
export const SetPassword = defineRequest(
  'identity.auth.SetPassword',
  z.object({
    token: z.string().min(1).max(200),
    password: Password,
    /** As in IssueToken: failed redemptions are counted per client address prefix. */
    clientAddress: z.string().max(64).optional(),
  }),
  z.object({}),
);
/** Starts signing with a new key; the old public key stays in the JWKS until its tokens expire. */
export const RotateSigningKey = defineRequest('identity.cmd.RotateSigningKey', z.object({}), z.object({ kid: z.string() }));
