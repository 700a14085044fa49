import { randomUUID } from 'node:crypto';
import { Bus, publishEvent } from '@plass/bus';
import {
  CancelSubjectBookings,
  DeactivateSubject,
  GetPrivacySettings,
  LookupSubject,
  REDACTED,
  eventCatalog,
  exportSubject,
  forgetSubject,
  type EventEnvelope,
} from '@plass/contracts';

/** A person as the stand-ins hold them: in memory only, so any plaintext found on disk came from privacy. */
export interface Person {
  tenantId: string;
  subjectId: string;
  email: string;
  displayName: string;
  bookingTitles: string[];
}

/**
 * A stand-in for a participating service (identity, booking): it answers the participant
 * contracts from memory and can be taken down and brought back to test the saga's retries.
 */
export class FakeParticipant {
  private bus: Bus | undefined;
  /** Every call, as `<Request>:<subjectId>`, in order. */
  readonly calls: string[] = [];
  readonly forgotten = new Set<string>();
  /** Runs inside a call of that name before it is answered (to act while a saga waits for the step). */
  readonly during = new Map<'CancelSubjectBookings' | 'ForgetSubject', (subjectId: string) => Promise<void>>();

  constructor(
    readonly name: 'identity' | 'booking',
    private readonly natsUrl: string,
    private readonly people: Map<string, Person>,
    /** Every participant's calls, as `<service> <Request>:<subjectId>`, in the order they arrived. */
    private readonly journal: string[] = [],
  ) {}

  private record(call: string): void {
    this.calls.push(call);
    this.journal.push(`${this.name} ${call}`);
  }

  get up(): boolean {
    return this.bus !== undefined;
  }

  async start(): Promise<void> {
    if (this.bus) return;
    const bus = await Bus.connect({ servers: this.natsUrl, name: this.name });
    const person = (tenantId: string, subjectId: string) => {
      const found = this.people.get(subjectId);
      return found?.tenantId === tenantId ? found : undefined;
    };
    const now = () => new Date().toISOString();
    bus.handle(forgetSubject(this.name), async ({ subjectId }) => {
      this.record(`ForgetSubject:${subjectId}`);
      await this.during.get('ForgetSubject')?.(subjectId);
      this.forgotten.add(subjectId);
      return { service: this.name, acknowledgedAt: now() };
    });
    if (this.name === 'identity') {
      const deactivated = new Set<string>();
      bus.handle(LookupSubject, async ({ subjectId }, ctx) => ({ exists: person(ctx.tenantId, subjectId) !== undefined, active: !deactivated.has(subjectId) }));
      bus.handle(DeactivateSubject, async ({ subjectId }) => {
        this.record(`DeactivateSubject:${subjectId}`);
        deactivated.add(subjectId);
        return { deactivated: true };
      });
      bus.handle(exportSubject('identity'), async ({ subjectId }, ctx) => {
        const found = person(ctx.tenantId, subjectId);
        const profile = found && !this.forgotten.has(subjectId) ? { email: found.email, displayName: found.displayName } : { email: REDACTED, displayName: REDACTED };
        return { service: 'identity', sections: { profile } };
      });
    } else {
      bus.handle(CancelSubjectBookings, async ({ subjectId }, ctx) => {
        this.record(`CancelSubjectBookings:${subjectId}`);
        await this.during.get('CancelSubjectBookings')?.(subjectId);
        return { cancelled: person(ctx.tenantId, subjectId)?.bookingTitles.length ?? 0 };
      });
      bus.handle(exportSubject('booking'), async ({ subjectId }, ctx) => ({
        service: 'booking',
        sections: { bookings: (person(ctx.tenantId, subjectId)?.bookingTitles ?? []).map((subject) => ({ bookingId: randomUUID(), subject })) },
      }));
      bus.handle(GetPrivacySettings, async () => ({ bookingVisibility: 'everyone' as const, anonymizeBookingsAfterDays: 90, analyticsMinGroupSize: 5 }));
    }
    await bus.flush();
    this.bus = bus;
  }

  async stop(): Promise<void> {
    const bus = this.bus;
    this.bus = undefined;
    await bus?.close();
  }
}

/** Identity's UserRegistered / UserDeactivated as they reach JetStream: ids in clear, personal fields sealed. */
export function identityEvent(type: 'UserRegistered' | 'UserDeactivated', tenantId: string, userId: string): EventEnvelope {
  const sealed = { $enc: 'A256GCM', kid: 'k_test', iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAAAAAAAAAAAAAAAAAAAA' };
  return {
    id: randomUUID(),
    type,
    schemaVersion: eventCatalog[type].schemaVersion,
    tenantId,
    context: 'identity',
    streamId: `user-${tenantId}-${userId}`,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    data: type === 'UserRegistered' ? { userId, email: sealed, displayName: sealed, role: 'employee', locale: 'en' } : { userId },
  };
}

export const publishIdentityEvent = (bus: Bus, ...args: Parameters<typeof identityEvent>) => publishEvent(bus, identityEvent(...args));
