import { describe, expect, it } from '@jest/globals';
import { accept, decided, reject, type Decision } from './decision.js';
import { DomainFailure, domainError } from './errors.js';
import type { DomainEvent } from './events/index.js';

const created: DomainEvent = { type: 'TenantCreated', data: { tenantId: 't-1', name: 'Acme' } };
const conflict = domainError('concurrency.conflict', 'the tenant already exists');

type Stamped = DomainEvent & { at: string };
interface PerStream {
  schedule: DomainEvent[];
  ledger: DomainEvent[];
}

describe('decided', () => {
  it('answers the events of an accepted decision', () => {
    expect(decided(accept(created))).toEqual([created]);
    expect(decided(accept())).toEqual([]);
  });

  it('answers whatever an accepted decision of another shape appends', () => {
    const writes: PerStream = { schedule: [created], ledger: [] };
    const decision: Decision<PerStream> = { ok: true, events: writes };
    expect(decided(decision)).toBe(writes);
  });

  it('throws a refusal as a DomainFailure with its error', () => {
    const refusal = () => decided(reject(conflict));
    expect(refusal).toThrow(DomainFailure);
    expect(refusal).toThrow('concurrency.conflict: the tenant already exists');
    try {
      refusal();
    } catch (error) {
      expect((error as DomainFailure).error).toEqual(conflict);
    }
  });
});

describe('accept and reject', () => {
  it('check events against the decision they are returned as', () => {
    const stamped = (ok: boolean): Decision<Stamped[]> => (ok ? accept({ ...created, at: '2030-01-01T00:00:00.000Z' }) : reject(conflict));
    expect(stamped(true)).toEqual({ ok: true, events: [{ ...created, at: '2030-01-01T00:00:00.000Z' }] });
    expect(stamped(false)).toEqual({ ok: false, error: conflict });

    // @ts-expect-error a stamped decision's events carry their time
    const unstamped = (): Decision<Stamped[]> => accept(created);
    // @ts-expect-error an event's data is checked as written
    const misspelt = (): Decision => accept({ type: 'TenantCreated', data: { tenantId: 't-1', name: 'Acme', nmae: 'Acme' } });
    expect([unstamped, misspelt]).toHaveLength(2);
  });
});
