import {
  AcknowledgePolicy,
  GetErasureRequest,
  GetExportRequest,
  GetPolicy,
  GetProcessingRecords,
  LiftLegalHold,
  ListLegalHolds,
  ListPrivacyRequests,
  ListUnacknowledged,
  GetController,
  SetController,
  ListRestrictions,
  LiftRestriction,
  RestrictProcessing,
  WithdrawPolicyAcknowledgement,
  PlaceLegalHold,
  PublishPolicy,
  ReadAuditLog,
  RequestErasure,
  RequestExport,
  SetSubProcessors,
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { RouteHandlers } from './route-handlers.js';

export type PrivacyRouteId =
  | 'requestErasure'
  | 'getErasureRequest'
  | 'requestExport'
  | 'getExportRequest'
  | 'listPrivacyRequests'
  | 'getPrivacyPolicy'
  | 'publishPrivacyPolicy'
  | 'acknowledgePrivacyPolicy'
  | 'listUnacknowledged'
  | 'withdrawPolicyAcknowledgement'
  | 'getProcessingRecords'
  | 'setSubProcessors'
  | 'placeLegalHold'
  | 'listLegalHolds'
  | 'liftLegalHold'
  | 'restrictProcessing'
  | 'setController'
  | 'getController'
  | 'listRestrictions'
  | 'liftRestriction'
  | 'readAuditLog';

/** The privacy service's routes; who may ask for whom is decided by the privacy service. */
export function privacyHandlers(bus: Pick<Bus, 'request'>): Pick<RouteHandlers, PrivacyRouteId> {
  return {
    requestErasure: async ({ body, ctx }) => {
      const request = await bus.request(RequestErasure, body, ctx);
      return { body: request, location: `/v1/privacy/erasure-requests/${request.id}` };
    },
    getErasureRequest: async ({ params, ctx }) => ({ body: await bus.request(GetErasureRequest, { requestId: params.id }, ctx) }),
    requestExport: async ({ body, ctx }) => {
      const request = await bus.request(RequestExport, body, ctx);
      return { body: request, location: `/v1/privacy/export-requests/${request.id}` };
    },
    getExportRequest: async ({ params, ctx }) => ({
      body: await bus.request(GetExportRequest, { requestId: params.id }, ctx),
      headers: { 'cache-control': 'no-store' },
    }),
    listPrivacyRequests: async ({ query, ctx }) => ({ body: await bus.request(ListPrivacyRequests, query, ctx) }),
    getPrivacyPolicy: async ({ ctx }) => ({ body: await bus.request(GetPolicy, {}, ctx) }),
    publishPrivacyPolicy: async ({ body, ctx }) => ({ body: await bus.request(PublishPolicy, body, ctx) }),
    acknowledgePrivacyPolicy: async ({ body, ctx }) => ({ body: await bus.request(AcknowledgePolicy, body, ctx) }),
    listUnacknowledged: async ({ ctx }) => ({ body: await bus.request(ListUnacknowledged, {}, ctx) }),
    withdrawPolicyAcknowledgement: async ({ ctx }) => {
      await bus.request(WithdrawPolicyAcknowledgement, {}, ctx);
      return {};
    },
    getProcessingRecords: async ({ ctx }) => ({ body: await bus.request(GetProcessingRecords, {}, ctx) }),
    setSubProcessors: async ({ body, ctx }) => ({ body: await bus.request(SetSubProcessors, body, ctx) }),
    placeLegalHold: async ({ body, ctx }) => {
      const hold = await bus.request(PlaceLegalHold, body, ctx);
      return { body: hold, location: `/v1/privacy/legal-holds/${hold.id}` };
    },
    listLegalHolds: async ({ ctx }) => ({ body: await bus.request(ListLegalHolds, {}, ctx) }),
    liftLegalHold: async ({ params, ctx }) => {
      await bus.request(LiftLegalHold, { holdId: params.id }, ctx);
      return {};
    },
    setController: async ({ body, ctx }) => ({ body: await bus.request(SetController, body, ctx) }),
    getController: async ({ ctx }) => ({ body: await bus.request(GetController, {}, ctx) }),
    restrictProcessing: async ({ body, ctx }) => {
      const restriction = await bus.request(RestrictProcessing, body, ctx);
      return { body: restriction, location: `/v1/privacy/restrictions/${restriction.id}` };
    },
    listRestrictions: async ({ ctx }) => ({ body: await bus.request(ListRestrictions, {}, ctx) }),
    liftRestriction: async ({ params, query, ctx }) => {
      await bus.request(LiftRestriction, { restrictionId: params.id, reason: query.reason }, ctx);
      return {};
    },
    readAuditLog: async ({ query, ctx }) => ({ body: await bus.request(ReadAuditLog, query, ctx) }),
  };
}
