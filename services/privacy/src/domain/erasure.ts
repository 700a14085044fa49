import { accept, type Decision, type ErasureRequestView, type EventData, type LegalHoldReason } from '@plass/contracts';
import type { z } from 'zod';
import { isOverdue, dueDateOf } from './deadlines.js';
import type { ActiveHold } from './legal-holds.js';
import type { Recorded } from './recorded.js';

type Step = EventData<'ErasureStepCompleted'>['step'];

interface ErasureRequest {
  requestId: string;
  subjectId: string;
  requestedBy?: string;
  requestedAt: string;
  dueAt: string;
  reason: z.infer<typeof LegalHoldReason> | null;
  /** Each completed step with its count (bookings cancelled, keys destroyed). */
  steps: Partial<Record<Step, number>>;
  /** service → when it confirmed it forgot the subject. */
  receipts: Record<string, string>;
  completedAt: string | null;
}

export type ErasureState = { status: 'none' } | ({ status: 'pending' | 'refused' | 'completed' } & ErasureRequest);

export const initialErasure: ErasureState = { status: 'none' };

export function evolveErasure(state: ErasureState, event: Recorded): ErasureState {
  if (event.type === 'ErasureRequested') {
    const { requestId, subjectId, requestedBy, requestedAt, dueAt } = event.data;
    return { status: 'pending', requestId, subjectId, ...(requestedBy ? { requestedBy } : {}), requestedAt, dueAt, reason: null, steps: {}, receipts: {}, completedAt: null };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ErasureRefused':
      return { ...state, status: 'refused', reason: event.data.reason };
    case 'ErasureStepCompleted':
      return { ...state, steps: { ...state.steps, [event.data.step]: event.data.count ?? 0 } };
    case 'ErasureReceiptRecorded':
      return { ...state, receipts: { ...state.receipts, [event.data.service]: event.data.acknowledgedAt } };
    case 'ErasureCompleted':
      return { ...state, status: 'completed', completedAt: event.data.completedAt };
    default:
      return state;
  }
}

export interface RequestErasure {
  requestId: string;
  subjectId: string;
  requestedBy?: string | undefined;
  now: string;
  /** The tenant's active holds on the subject, oldest first. */
  holds: ActiveHold[];
}

/** Accepted with its due date; refused at once with the oldest hold's reason when the subject is held (Art. 17(3)). */
export function decideRequestErasure(command: RequestErasure, state: ErasureState): Decision<Recorded[]> {
  if (state.status !== 'none') return accept();
  const { requestId, subjectId, requestedBy, now } = command;
  const requested: Recorded = {
    type: 'ErasureRequested',
    data: { requestId, subjectId, ...(requestedBy ? { requestedBy } : {}), requestedAt: now, dueAt: dueDateOf(now) },
    at: now,
  };
  const hold = command.holds[0];
  if (!hold) return accept(requested);
  return accept(requested, { type: 'ErasureRefused', data: { requestId, reason: hold.reason, holdId: hold.id, refusedAt: now }, at: now });
}

/** Every service that must confirm; privacy confirms its own part too. */
export const receiptServices = (participants: readonly string[]): string[] => [...new Set([...participants, 'privacy'])];

export type SagaStep =
  { kind: 'deactivate_user' } | { kind: 'cancel_bookings' } | { kind: 'destroy_keys' } | { kind: 'collect_receipts'; services: string[] } | { kind: 'complete' } | { kind: 'none' };

/**
 * What the erasure saga does next, from what it has recorded: the user (if identity takes part),
 * so they cannot book any more, then their bookings (if booking takes part), the keys and their
 * broadcast, every receipt, completion. Each step is looked up on its own, so a request whose
 * steps were recorded in another order (bookings before the user, as sagas once ran) continues.
 */
export function nextErasureStep(state: ErasureState, participants: readonly string[]): SagaStep {
  if (state.status !== 'pending') return { kind: 'none' };
  if (participants.includes('identity') && state.steps.user_deactivated === undefined) return { kind: 'deactivate_user' };
  if (participants.includes('booking') && state.steps.bookings_cancelled === undefined) return { kind: 'cancel_bookings' };
  if (state.steps.keys_destroyed === undefined || state.steps.erasure_broadcast === undefined) return { kind: 'destroy_keys' };
  const missing = receiptServices(participants).filter((service) => !(service in state.receipts));
  return missing.length > 0 ? { kind: 'collect_receipts', services: missing } : { kind: 'complete' };
}

/** Past this point the subject's data is gone: the erasure completes whatever happens. */
export const keysDestroyed = (state: ErasureState): boolean => state.status !== 'none' && state.steps.keys_destroyed !== undefined;

export type ErasureProgress =
  | { kind: 'steps'; completed: Array<{ step: Step; count?: number }>; now: string }
  | { kind: 'refuse'; hold: ActiveHold; now: string }
  | { kind: 'receipts'; receipts: Array<{ service: string; acknowledgedAt: string }>; now: string }
  | { kind: 'complete'; participants: readonly string[]; now: string };

/** Records what a saga step achieved; idempotent, so a resumed or concurrent saga never records twice. */
export function decideErasureProgress(command: ErasureProgress, state: ErasureState): Decision<Recorded[]> {
  if (state.status !== 'pending') return accept();
  const { requestId } = state;
  const at = command.now;
  switch (command.kind) {
    case 'steps':
      return accept(
        ...command.completed
          .filter(({ step }) => state.steps[step] === undefined)
          .map(({ step, count }): Recorded => ({ type: 'ErasureStepCompleted', data: { requestId, step, ...(count === undefined ? {} : { count }), at }, at })),
      );
    case 'receipts':
      return accept(
        ...command.receipts
          .filter(({ service }) => !(service in state.receipts))
          .map(({ service, acknowledgedAt }): Recorded => ({ type: 'ErasureReceiptRecorded', data: { requestId, service, acknowledgedAt }, at })),
      );
    case 'refuse':
      // A hold placed while the erasure was pending (Art. 17(3)) stops it, unless the keys are already gone.
      if (keysDestroyed(state)) return accept();
      return accept({ type: 'ErasureRefused', data: { requestId, reason: command.hold.reason, holdId: command.hold.id, refusedAt: at }, at });
    case 'complete':
      if (nextErasureStep(state, command.participants).kind !== 'complete') return accept();
      return accept({ type: 'ErasureCompleted', data: { requestId, subjectId: state.subjectId, completedAt: at }, at });
  }
}

export function erasureView(state: Exclude<ErasureState, { status: 'none' }>, now: Date): ErasureRequestView {
  const { requestId, subjectId, status, requestedAt, dueAt, completedAt, reason, receipts } = state;
  return { id: requestId, subjectId, status, requestedAt, dueAt, completedAt, reason, receipts: { ...receipts }, overdue: isOverdue(state, now) };
}
