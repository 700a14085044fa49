import { parseParticipants, parsePlatformSubProcessors, parseRetentionDays } from './participants.js';

describe('PLASS_ERASURE_PARTICIPANTS', () => {
  const fallback = ['identity', 'booking'];

  it('defaults when unset or empty', () => {
    expect(parseParticipants(undefined, fallback)).toEqual(fallback);
    expect(parseParticipants('  ', fallback)).toEqual(fallback);
  });

  it('lists services once, without privacy itself', () => {
    expect(parseParticipants('identity, booking,notification,booking,privacy', fallback)).toEqual(['identity', 'booking', 'notification']);
  });

  it('refuses what is not a service name', () => {
    expect(() => parseParticipants('identity,Booking!', fallback)).toThrow(/Booking!/);
  });
});

describe('PLASS_SUB_PROCESSORS', () => {
  it('is none when unset, and a validated list when set', () => {
    expect(parsePlatformSubProcessors(undefined)).toEqual([]);
    const hosting = { name: 'Hetzner Online GmbH', purpose: 'hosting', country: 'DE' };
    expect(parsePlatformSubProcessors(JSON.stringify([hosting]))).toEqual([hosting]);
  });

  it('refuses what is not JSON or not a list of processors, naming the field', () => {
    expect(() => parsePlatformSubProcessors('hetzner')).toThrow(/not JSON/);
    expect(() => parsePlatformSubProcessors(JSON.stringify([{ name: 'X', purpose: 'hosting', country: 'Germany' }]))).toThrow(/0\.country/);
  });
});

describe('PLASS_PRIVACY_RECORD_RETENTION_DAYS', () => {
  it('is three years unset, whole days from 60 to 3650 set', () => {
    expect(parseRetentionDays(undefined)).toBe(1095);
    expect(parseRetentionDays('365')).toBe(365);
    for (const bad of ['30', '3651', '1.5', 'year']) expect(() => parseRetentionDays(bad)).toThrow(/60 to 3650/);
  });
});
