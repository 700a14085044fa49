import { bookingKeyPeriod, pii, type DomainEvent } from '@plass/contracts';
import type { EventStore, Evolver, LoadedState, RecordedEvent, StreamStates } from '@plass/eventstore';
import type { KeyProvider, Shredder } from '@plass/shredder';
import { z } from 'zod';
import type { LedgerPseudonyms } from './ledger-pseudonym.js';
import { evolveLedger, initialLedger, type Ledger } from './rules/index.js';
import { ledgerStream } from './streams.js';

const LEDGER_ENTRY = { category: 'identifier', purpose: 'booking', description: 'a booking in its booker’s limits ledger' } as const;

/**
 * A ledger entry at rest, `{entry: <sealed>}`: the contract's data as one value sealed with the
 * booking key of the booking's end day, so retention and erasure shred the ledger with the booking
 * (one cipher per entry, however many fields). Marked here rather than in the contract because the
 * catalog's marks also censor field names in every log line, and booking ids and times are
 * personal only inside a ledger.
 */
const SealedLedgerEntry = z.object({ entry: pii(z.record(z.string(), z.unknown()), LEDGER_ENTRY) });

// Entries written before ledgers were sealed carry a clear booking id.
const isSealed = (event: RecordedEvent) => typeof (event.data as { bookingId?: unknown }).bookingId !== 'string';

/** A folded ledger and the key ids its entries were decrypted with, so a refold can check them instead of decrypting again. */
type KeyedLedger = Ledger & { kids: ReadonlySet<string> };

export type LoadedLedger = LoadedState<Ledger> & { streamId: string };

/** The key id of a sealed ledger event as stored (`{entry: <sealed>}`); none for one written before ledgers were sealed. */
const kidOf = (data: unknown): string | undefined => {
  const kid = (data as { entry?: { kid?: unknown } } | undefined)?.entry?.kid;
  return typeof kid === 'string' ? kid : undefined;
};

/** A person's limits ledger (ADR 0009): named by their pseudonym, every entry sealed. */
export class Ledgers {
  /** One evolver per tenant: decrypting needs the tenant, and StreamStates caches per evolver. */
  private readonly evolvers = new Map<string, Evolver<KeyedLedger>>();

  constructor(
    private readonly deps: {
      events: EventStore;
      shredder: Shredder;
      /** Asked at each refold bound whether the keys a cached ledger was decrypted with still exist. */
      keys: Pick<KeyProvider, 'keysById'>;
      pseudonyms: LedgerPseudonyms;
      states: StreamStates;
      /** A cached ledger is folded afresh this often: decrypted entries never outlive the key cache's bound. */
      refoldAfterMs: number;
    },
  ) {}

  /** Throws SubjectErasedError once the person is erased: their ledger can no longer be named. */
  async streamOf(tenantId: string, userId: string): Promise<string> {
    return ledgerStream(tenantId, await this.deps.pseudonyms.of(tenantId, userId));
  }

  /**
   * Folded over the entries still readable. Entries whose key retention destroyed are skipped: their
   * bookings ended days ago, so no upcoming or concurrent limit counts them.
   */
  async load(tenantId: string, streamId: string, optimistic = false): Promise<LoadedLedger> {
    return { ...(await this.deps.states.load(streamId, this.evolverOf(tenantId), { refoldAfterMs: this.deps.refoldAfterMs, optimistic })), streamId };
  }

  /** Every readable entry, decrypted, in stream order (given-back bookings included). */
  async entries(tenantId: string, streamId: string): Promise<DomainEvent[]> {
    return this.open(tenantId, streamId, await this.deps.events.readStream(streamId));
  }

  /**
   * This process appended `sealed` (from `seal`, in order) to a ledger it loaded, made from
   * `clear`: the cached ledger moves on by the clear entries without reading them back.
   */
  appended(tenantId: string, loaded: LoadedLedger, clear: DomainEvent[], sealed: ReadonlyArray<{ data: unknown }>, revision: number): void {
    const events = clear.map((event, i) => ({ ...event, metadata: { sealedWith: kidOf(sealed[i]?.data) } }));
    this.deps.states.appended(loaded.streamId, this.evolverOf(tenantId), loaded, events, revision);
  }

  /** Seals one booking's ledger events under its booker's key for the booking's end day. */
  seal(events: DomainEvent[], booking: { tenantId: string; bookedBy: string; end: string; streamId: string }): Promise<DomainEvent[]> {
    const scope = { tenantId: booking.tenantId, subjectId: booking.bookedBy, period: bookingKeyPeriod(booking.end), aad: booking.streamId };
    return Promise.all(events.map(async (event) => ({ type: event.type, data: await this.deps.shredder.encrypt(SealedLedgerEntry, { entry: event.data }, scope) }) as DomainEvent));
  }

  /** Erasure: the stream is private (never published or projected), so deleting it deletes it everywhere. */
  async delete(streamId: string): Promise<void> {
    this.deps.states.forget([streamId]);
    await this.deps.events.deleteStream(streamId);
    this.deps.states.forget([streamId]);
  }

  /** Keys of the tenant were destroyed (retention, erasure): no cached ledger may keep what they sealed. */
  keysDestroyed(tenantId: string): void {
    const prefix = ledgerStream(tenantId, '');
    this.deps.states.forgetWhere((streamId) => streamId.startsWith(prefix));
  }

  /**
   * Entries are decrypted once, as they are first read; the folded state is kept between
   * commands. At each refold bound it stands only while every key its entries were decrypted
   * with still exists (asked through the key cache, as a decryption would): once one is gone the
   * ledger is folded afresh, which leaves that key's entries out.
   */
  private evolverOf(tenantId: string): Evolver<KeyedLedger> {
    let evolver = this.evolvers.get(tenantId);
    if (!evolver) {
      evolver = {
        initial: { ...initialLedger, kids: new Set() },
        evolve: (state, event) => {
          const { bookings } = evolveLedger(state, { type: event.type, data: event.data } as DomainEvent);
          const kid = event.metadata.sealedWith;
          return { bookings, kids: typeof kid === 'string' && !state.kids.has(kid) ? new Set([...state.kids, kid]) : state.kids };
        },
        prepare: (recorded, streamId) => this.openRecorded(tenantId, streamId, recorded),
        weigh: (state) => state.bookings.size + 1,
        revalidate: async (state) => {
          if (state.kids.size === 0) return true;
          const keys = await this.deps.keys.keysById(tenantId, [...state.kids]);
          return [...state.kids].every((kid) => keys.get(kid));
        },
      };
      this.evolvers.set(tenantId, evolver);
    }
    return evolver;
  }

  private async open(tenantId: string, streamId: string, recorded: RecordedEvent[]): Promise<DomainEvent[]> {
    return (await this.openRecorded(tenantId, streamId, recorded)).map((event) => ({ type: event.type, data: event.data }) as DomainEvent);
  }

  /** The readable entries, decrypted; those whose key is destroyed are left out. */
  private async openRecorded(tenantId: string, streamId: string, recorded: RecordedEvent[]): Promise<RecordedEvent[]> {
    const sealed = recorded.filter(isSealed);
    const opened = await this.deps.shredder.decryptMany(
      SealedLedgerEntry,
      sealed.map((event) => ({ stored: event.data as Record<string, unknown>, aad: streamId })),
      { tenantId },
    );
    const readable = new Map(sealed.map((event, i) => [event, opened[i]!]));
    return recorded.flatMap((event) => {
      const entry = readable.get(event);
      if (entry === undefined) return [event];
      if (entry.redacted.length > 0) return [];
      return [{ ...event, data: entry.data.entry, metadata: { ...event.metadata, sealedWith: kidOf(event.data) } }];
    });
  }
}
