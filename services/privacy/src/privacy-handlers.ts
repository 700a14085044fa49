import {
  AcknowledgePolicy,
  GetController,
  SetController,
  GetErasureRequest,
  GetExportRequest,
  GetPolicy,
  GetProcessingRecords,
  LiftLegalHold,
  ListLegalHolds,
  ListPrivacyRequests,
  ListUnacknowledged,
  ListRestrictions,
  LiftRestriction,
  RestrictProcessing,
  WithdrawPolicyAcknowledgement,
  PlaceLegalHold,
  PolicyAcknowledgementStatus,
  PublishPolicy,
  ReadAuditLog,
  RequestErasure,
  RequestExport,
  SetSubProcessors,
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { ControllerApp } from './controller-app.js';
import type { PolicyApp } from './policy-app.js';
import type { RecordsApp } from './records-app.js';
import type { RequestsApp } from './requests-app.js';
import type { RestrictionsApp } from './restrictions-app.js';

export interface PrivacyApps {
  requests: RequestsApp;
  policy: PolicyApp;
  records: RecordsApp;
  restrictions: RestrictionsApp;
  controller: ControllerApp;
}

/** The privacy service's NATS face (the gateway's routes and booking's policy check); the tenant is always the context's. */
export function registerPrivacyHandlers(bus: Pick<Bus, 'handle'>, { requests, policy, records, restrictions, controller }: PrivacyApps): void {
  bus.handle(RequestErasure, (request, ctx) => requests.requestErasure(request, ctx));
  bus.handle(GetErasureRequest, (request, ctx) => requests.getErasure(request.requestId, ctx));
  bus.handle(RequestExport, (request, ctx) => requests.requestExport(request, ctx));
  bus.handle(GetExportRequest, (request, ctx) => requests.getExport(request.requestId, ctx));
  bus.handle(ListPrivacyRequests, (request, ctx) => requests.listRequests(request, ctx));
  bus.handle(PublishPolicy, (request, ctx) => policy.publish(request, ctx));
  bus.handle(GetPolicy, (_request, ctx) => policy.get(ctx));
  bus.handle(AcknowledgePolicy, (request, ctx) => policy.acknowledge(request, ctx));
  bus.handle(ListUnacknowledged, (_request, ctx) => policy.unacknowledged(ctx));
  bus.handle(WithdrawPolicyAcknowledgement, (_request, ctx) => policy.withdraw(ctx));
  bus.handle(PolicyAcknowledgementStatus, (request, ctx) => policy.status(request, ctx));
  bus.handle(GetProcessingRecords, (_request, ctx) => records.processingRecords(ctx));
  bus.handle(SetSubProcessors, (request, ctx) => records.setSubProcessors(request, ctx));
  bus.handle(PlaceLegalHold, (request, ctx) => records.placeHold(request, ctx));
  bus.handle(LiftLegalHold, (request, ctx) => records.liftHold(request, ctx));
  bus.handle(ListLegalHolds, (_request, ctx) => records.listHolds(ctx));
  bus.handle(RestrictProcessing, (request, ctx) => restrictions.restrict(request, ctx));
  bus.handle(LiftRestriction, (request, ctx) => restrictions.lift(request, ctx));
  bus.handle(ListRestrictions, (_request, ctx) => restrictions.list(ctx));
  bus.handle(SetController, (request, ctx) => controller.set(request, ctx));
  bus.handle(GetController, (_request, ctx) => controller.get(ctx));
  bus.handle(ReadAuditLog, (request, ctx) => records.readAuditLog(request, ctx));
}
