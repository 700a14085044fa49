import {
  ChangeUserRole,
  CorrectUser,
  CreateTenant,
  DeactivateSubject,
  DeactivateUser,
  GetJwks,
  GetMe,
  GetUser,
  IssuePasswordToken,
  IssueToken,
  ListUsers,
  LookupSubject,
  RefreshToken,
  RegisterUser,
  RotateSigningKey,
  SetPassword,
  UpdateMe,
  exportSubject,
  forgetSubject,
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { AuthApp } from './auth-app.js';
import type { IdentityApp } from './identity-app.js';
import { SERVICE, type SubjectParticipant } from './privacy/subject-participant.js';

/** Identity's NATS face: one handler per request contract, in the service's queue group. */
export function registerIdentityHandlers(bus: Bus, identity: IdentityApp, auth: AuthApp, subjects: SubjectParticipant): void {
  bus.handle(CreateTenant, (request, ctx) => identity.createTenant(request, ctx));
  bus.handle(RegisterUser, (request, ctx) => identity.registerUser(request, ctx));
  bus.handle(ListUsers, (request, ctx) => identity.listUsers(request, ctx));
  bus.handle(GetUser, (request, ctx) => identity.getUser(request.userId, ctx));
  bus.handle(CorrectUser, (request, ctx) => identity.correctUser(request, ctx));
  bus.handle(ChangeUserRole, (request, ctx) => identity.correctUser(request, ctx));
  bus.handle(DeactivateUser, (request, ctx) => identity.deactivateUser(request.userId, ctx));
  bus.handle(GetMe, (_request, ctx) => identity.getMe(ctx));
  bus.handle(UpdateMe, (request, ctx) => identity.updateMe(request, ctx));
  bus.handle(IssueToken, (request) => auth.issueToken(request));
  bus.handle(RefreshToken, (request) => auth.refreshToken(request.refreshToken));
  bus.handle(IssuePasswordToken, (request, ctx) => auth.issuePasswordToken(request.userId, ctx));
  bus.handle(SetPassword, (request, ctx) => auth.setPassword(request, ctx));
  bus.handle(GetJwks, async () => auth.getJwks());
  bus.handle(RotateSigningKey, async (_request, ctx) => auth.rotateSigningKey(ctx));
  bus.handle(LookupSubject, (request, ctx) => subjects.lookup(request.subjectId, ctx));
  bus.handle(DeactivateSubject, (request, ctx) => subjects.deactivate(request.subjectId, ctx));
  bus.handle(forgetSubject(SERVICE), (request, ctx) => subjects.forget(request.subjectId, ctx));
  bus.handle(exportSubject(SERVICE), (request, ctx) => subjects.export(request.subjectId, ctx));
}
