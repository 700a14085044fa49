import { accept, type Decision, type EventData } from '@plass/contracts';
import type { Recorded } from './recorded.js';

export type SubProcessors = EventData<'SubProcessorsChanged'>['items'];

export const initialSubProcessors: SubProcessors = [];

export const evolveSubProcessors = (state: SubProcessors, event: Recorded): SubProcessors => (event.type === 'SubProcessorsChanged' ? event.data.items : state);

/** Replaces the list; the same list again changes nothing. */
export function decideSetSubProcessors(command: { items: SubProcessors; now: string }, state: SubProcessors): Decision<Recorded[]> {
  if (JSON.stringify(command.items) === JSON.stringify(state)) return accept();
  return accept({ type: 'SubProcessorsChanged', data: { items: command.items }, at: command.now });
}
