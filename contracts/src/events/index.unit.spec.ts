import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../envelope.js';
import { EventDataInvalid, typedEnvelope } from './index.js';

const envelope = (type: string, data: Record<string, unknown>): EventEnvelope => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  tenantId: randomUUID(),
  context: 'identity',
  streamId: 'user-1',
  occurredAt: '2030-01-07T09:00:00.000Z',
  correlationId: randomUUID(),
  causationId: null,
  data,
});
const stored = { $enc: 'A256GCM', kid: 'profile-key-1', iv: 'aXY', ct: 'Y2lwaGVydGV4dA' };

describe('typedEnvelope()', () => {
  it('answers the envelope with its data as stored, personal fields sealed', () => {
    const registered = envelope('UserRegistered', { userId: randomUUID(), email: stored, displayName: stored, role: 'employee', locale: 'en' });
    const typed = typedEnvelope(registered);
    expect(typed).toEqual(registered);
    if (typed?.type !== 'UserRegistered') throw new Error('typed as another event');
    expect(typed.data.email.kid).toBe('profile-key-1');
  });

  it('leaves out fields its schema does not know', () => {
    const userId = randomUUID();
    expect(typedEnvelope(envelope('UserDeactivated', { userId, note: 'x' }))?.data).toEqual({ userId });
  });

  it('answers nothing for a type plass does not record', () => {
    expect(typedEnvelope(envelope('SomethingElse', {}))).toBeUndefined();
  });

  it('refuses data that does not match, naming the fields but never their values', () => {
    const plaintext = envelope('UserRegistered', { userId: randomUUID(), email: 'ada@example.com', displayName: stored, role: 'employee', locale: 'en' });
    const refusal = (() => {
      try {
        return typedEnvelope(plaintext);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(EventDataInvalid);
    expect(refusal).toMatchObject({ code: 'event.data_invalid', fields: ['email'] });
    expect(String(refusal)).not.toContain('ada@example.com');
  });
});
