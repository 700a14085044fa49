import { ledgerPeriodOf, ledgerPeriodsBetween } from './streams.js';

describe('ledger periods', () => {
  it('are the UTC month of a booking’s start', () => {
    expect(ledgerPeriodOf('2030-03-31T23:30:00Z')).toBe('2030-03');
    expect(ledgerPeriodOf('2030-04-01T00:30:00+01:00')).toBe('2030-03');
  });

  it('between two instants: every month from the first’s to the second’s, both included, across years', () => {
    expect(ledgerPeriodsBetween(Date.parse('2030-11-20T00:00:00Z'), Date.parse('2031-02-01T00:00:00Z'))).toEqual(['2030-11', '2030-12', '2031-01', '2031-02']);
    expect(ledgerPeriodsBetween(Date.parse('2030-03-05T00:00:00Z'), Date.parse('2030-03-06T00:00:00Z'))).toEqual(['2030-03']);
    expect(ledgerPeriodsBetween(Date.parse('2030-03-05T00:00:00Z'), Date.parse('2030-03-01T00:00:00Z'))).toEqual([]);
  });
});
