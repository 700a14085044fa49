import { accept, type Decision, type ExportBundle, type ExportRequestView } from '@plass/contracts';
import { dueDateOf, isOverdue } from './deadlines.js';
import type { Recorded } from './recorded.js';

interface ExportRequest {
  requestId: string;
  subjectId: string;
  requestedBy?: string;
  requestedAt: string;
  dueAt: string;
  completedAt: string | null;
}

export type ExportState = { status: 'none' } | ({ status: 'pending' | 'completed' } & ExportRequest);

export const initialExport: ExportState = { status: 'none' };

export function evolveExport(state: ExportState, event: Recorded): ExportState {
  if (event.type === 'ExportRequested') {
    const { requestId, subjectId, requestedBy, requestedAt, dueAt } = event.data;
    return { status: 'pending', requestId, subjectId, ...(requestedBy ? { requestedBy } : {}), requestedAt, dueAt, completedAt: null };
  }
  if (event.type === 'ExportCompleted' && state.status !== 'none') return { ...state, status: 'completed', completedAt: event.data.completedAt };
  return state;
}

export function decideRequestExport(command: { requestId: string; subjectId: string; requestedBy?: string | undefined; now: string }, state: ExportState): Decision<Recorded[]> {
  if (state.status !== 'none') return accept();
  const { requestId, subjectId, requestedBy, now } = command;
  return accept({
    type: 'ExportRequested',
    data: { requestId, subjectId, ...(requestedBy ? { requestedBy } : {}), requestedAt: now, dueAt: dueDateOf(now) },
    at: now,
  });
}

export function decideCompleteExport(command: { now: string }, state: ExportState): Decision<Recorded[]> {
  if (state.status !== 'pending') return accept();
  return accept({ type: 'ExportCompleted', data: { requestId: state.requestId, completedAt: command.now }, at: command.now });
}

/** `saved` is the stored bundle, if one is still there: a completed export shows it until it expires. */
export function exportView(state: Exclude<ExportState, { status: 'none' }>, saved: { bundle: ExportBundle; expiresAt: string } | null, now: Date): ExportRequestView {
  const { requestId, subjectId, status, requestedAt, dueAt, completedAt } = state;
  const shown = status === 'completed' ? saved : null;
  return { id: requestId, subjectId, status, requestedAt, dueAt, completedAt, overdue: isOverdue(state, now), bundle: shown?.bundle ?? null, expiresAt: shown?.expiresAt ?? null };
}
