import { expect } from '@jest/globals';

export interface Decider<Command, Event, State, Error> {
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): { ok: true; events: Event[] } | { ok: false; error: Error };
}

/**
 * `given(events).when(command).then(events)` / `.thenFails(error)` — decider specifications
 * that read as the rule they check.
 */
export function deciderSpec<C, E, S, Err>(decider: Decider<C, E, S, Err>) {
  return {
    given(events: E[]) {
      const state = events.reduce((current, event) => decider.evolve(current, event), decider.initialState);
      return {
        when(command: C) {
          const outcome = decider.decide(command, state);
          return {
            then(expected: E[]) {
              expect(outcome).toEqual({ ok: true, events: expected });
            },
            thenFails(expected: Partial<Err>) {
              expect(outcome.ok).toBe(false);
              if (!outcome.ok) expect(outcome.error).toMatchObject(expected);
            },
            outcome,
          };
        },
      };
    },
  };
}
