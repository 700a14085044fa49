import type { RequestContext } from '@plass/contracts';

/** Privacy officers and admins act for any user of their tenant. */
export const isOfficer = (ctx: Pick<RequestContext, 'roles'>): boolean => ctx.roles.includes('privacy_officer') || ctx.roles.includes('admin');

/** Everyone else only for themself (Art. 15, 17 and 20 are the subject's own rights). */
export const mayActFor = (ctx: Pick<RequestContext, 'roles' | 'actorId'>, subjectId: string): boolean => isOfficer(ctx) || (ctx.actorId !== undefined && ctx.actorId === subjectId);

/** Who may see a request: its requester, its subject, officers and admins. */
export const mayRead = (ctx: Pick<RequestContext, 'roles' | 'actorId'>, request: { subjectId: string; requestedBy?: string | undefined }): boolean =>
  isOfficer(ctx) || (ctx.actorId !== undefined && (ctx.actorId === request.subjectId || ctx.actorId === request.requestedBy));
