import { parseParticipants } from './participants.js';

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
