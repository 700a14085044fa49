import { randomUUID } from 'node:crypto';
import { bookingKeyPeriod, pii, type DomainEvent } from '@plass/contracts';
import { WrongExpectedRevisionError, type EventStore, type Evolver, type LoadedState, type RecordedEvent, type StreamStates } from '@plass/eventstore';
import { SubjectErasedError, type KeyProvider, type Shredder } from '@plass/shredder';
import { z } from 'zod';
import type { LedgerPseudonyms } from './ledger-pseudonym.js';
import { toStored } from './app-support.js';
import { evolveLedger, initialLedger, type Ledger } from './rules/index.js';
import { ledgerIndexStream, ledgerPeriodOf, ledgerPeriodStream, ledgerStream } from './streams.js';

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

/**
 * A ledger period as a decision read it. `opens`: the period does not exist yet, so the append of
 * its first entry also names it in the ledger's index.
 */
export type LoadedLedger = LoadedState<Ledger> & { streamId: string; opens: boolean };

/** A person's ledger (ADR 0018): their pseudonym's stream names one period stream per month of booking starts and an index of them. */
export interface LedgerName {
  tenantId: string;
  userId: string;
  /** `ledger-<tenant>-<pseudonym>`: the whole ledger in stores from before ADR 0018; the prefix of its periods now. */
  stream: string;
}

/** Persons whose ledger this process knows to be in periods; past the bound it forgets them all (a check costs two reads). */
const CHECKED_LEDGERS = 100_000;

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

  /** Ledgers known to be in periods (checked, or migrated, in this process). */
  private readonly checked = new Set<string>();
  private readonly checking = new Map<string, Promise<void>>();

  /** Throws SubjectErasedError once the person is erased: their ledger can no longer be named. */
  async streamOf(tenantId: string, userId: string): Promise<string> {
    return ledgerStream(tenantId, await this.deps.pseudonyms.of(tenantId, userId));
  }

  /** The person's ledger, in periods: a ledger written before ADR 0018 is moved into periods first (once). */
  async ledgerOf(tenantId: string, userId: string): Promise<LedgerName> {
    const name = { tenantId, userId, stream: await this.streamOf(tenantId, userId) };
    if (!this.checked.has(name.stream)) {
      let check = this.checking.get(name.stream);
      if (!check) {
        check = this.inPeriods(name).finally(() => this.checking.delete(name.stream));
        this.checking.set(name.stream, check);
      }
      await check;
    }
    return name;
  }

  /** `ledgerOf`, or null once the person is erased (their profile key is gone, so no ledger can be named). */
  async ledgerOrNull(tenantId: string, userId: string): Promise<LedgerName | null> {
    try {
      return await this.ledgerOf(tenantId, userId);
    } catch (error) {
      if (error instanceof SubjectErasedError) return null;
      throw error;
    }
  }

  /** Whether the person's ledger can still be named (their profile key obtainable). */
  async canName(tenantId: string, userId: string): Promise<boolean> {
    try {
      await this.streamOf(tenantId, userId);
      return true;
    } catch (error) {
      if (error instanceof SubjectErasedError) return false;
      throw error;
    }
  }

  /** The ledger's period streams, one per month of booking starts, folded. */
  periods(name: LedgerName, periods: readonly string[], optimistic = false): Promise<LoadedLedger[]> {
    return Promise.all(periods.map((period) => this.load(name.tenantId, ledgerPeriodStream(name.stream, period), optimistic)));
  }

  /**
   * The periods an exempt booking writes to, neither read nor decrypted: no limit counts their
   * entries (a person admins book for may hold thousands of upcoming ones in a month, and folding
   * them is what a booking would then cost). Only whether each exists is read (one event): the
   * append expects it to exist still, so one decided before an erasure deleted the ledger fails and
   * runs again (and is fenced, or opens the period anew, which the erasure's next round finds), or
   * expects no stream, and its first entry opens the period in the index. A limited decision on
   * the same period that read it before still fails its own expected revision and runs again.
   */
  unread(name: LedgerName, periods: readonly string[]): Promise<LoadedLedger[]> {
    return Promise.all(
      periods.map(async (period) => {
        const streamId = ledgerPeriodStream(name.stream, period);
        const first = await this.deps.events.readStream(streamId, { maxCount: 1 });
        const opens = first.length === 0;
        return { streamId, state: initialLedger, expectedRevision: opens ? ('no_stream' as const) : ('stream_exists' as const), opens };
      }),
    );
  }

  /** Every period the ledger has, from its index. */
  async knownPeriods(name: LedgerName): Promise<string[]> {
    const index = await this.deps.events.readStream(ledgerIndexStream(name.stream));
    return [...new Set(index.flatMap((event) => (event.type === 'LedgerPeriodOpened' ? [(event.data as { period: string }).period] : [])))].sort();
  }

  /** What opening a new period appends to the index (in the same atomic append as its first entry). */
  indexAppend(name: LedgerName, period: string): { streamId: string; expectedRevision: 'any'; events: DomainEvent[] } {
    return { streamId: ledgerIndexStream(name.stream), expectedRevision: 'any', events: [{ type: 'LedgerPeriodOpened', data: { period } }] };
  }

  /**
   * A ledger from before ADR 0018 holds every entry in one stream: its entries still in force
   * are sealed anew (the same booking keys, the period stream as associated data) into their
   * periods, with the index and a marker, in one append that expects no index — so of two
   * replicas moving the same ledger one does it — and the old stream is deleted.
   */
  private async inPeriods(name: LedgerName): Promise<void> {
    const index = await this.deps.events.readStream(ledgerIndexStream(name.stream), { maxCount: 1 });
    const legacy = index.length > 0 ? [] : await this.deps.events.readStream(name.stream);
    if (legacy.length > 0) {
      const ledger = (await this.open(name.tenantId, name.stream, legacy)).reduce(evolveLedger, initialLedger);
      const byPeriod = new Map<string, DomainEvent[]>();
      for (const [bookingId, entry] of ledger.bookings.entries()) {
        const period = ledgerPeriodOf(entry.start);
        const data = { bookingId, start: entry.start, end: entry.end, ...(entry.spaceId === undefined ? {} : { spaceId: entry.spaceId }) };
        byPeriod.set(period, [...(byPeriod.get(period) ?? []), { type: 'LedgerBookingAdded', data }]);
      }
      const ctx = { tenantId: name.tenantId, roles: [], correlationId: randomUUID() };
      const now = new Date();
      const periods = [...byPeriod.keys()].sort();
      const appends = await Promise.all(
        periods.map(async (period) => {
          const streamId = ledgerPeriodStream(name.stream, period);
          const sealed = await Promise.all(
            byPeriod.get(period)!.map((event) => this.seal([event], { tenantId: name.tenantId, bookedBy: name.userId, end: (event.data as { end: string }).end, streamId })),
          );
          return { streamId, expectedRevision: 'any' as const, events: toStored(sealed.flat(), ctx, streamId, now) };
        }),
      );
      const indexId = ledgerIndexStream(name.stream);
      const marker: DomainEvent[] = [
        ...periods.map((period): DomainEvent => ({ type: 'LedgerPeriodOpened', data: { period } })),
        { type: 'BookingLayoutMigrated', data: { layout: 2, spaces: 0, ledgers: 1 } },
      ];
      try {
        await this.deps.events.appendToStreams([
          ...appends.filter((append) => append.events.length > 0),
          { streamId: indexId, expectedRevision: 'no_stream', events: toStored(marker, ctx, indexId, now) },
        ]);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
      await this.deps.events.deleteStream(name.stream);
    }
    if (this.checked.size >= CHECKED_LEDGERS) this.checked.clear();
    this.checked.add(name.stream);
  }

  /**
   * Folded over the entries still readable. Entries whose key retention destroyed are skipped: their
   * bookings ended days ago, so no upcoming or concurrent limit counts them.
   */
  async load(tenantId: string, streamId: string, optimistic = false): Promise<LoadedLedger> {
    const loaded = await this.deps.states.load(streamId, this.evolverOf(tenantId), { refoldAfterMs: this.deps.refoldAfterMs, optimistic });
    return { ...loaded, streamId, opens: loaded.expectedRevision === 'no_stream' };
  }

  /** Every readable entry, decrypted, in stream order (given-back bookings included). */
  async entries(tenantId: string, streamId: string): Promise<DomainEvent[]> {
    return this.open(tenantId, streamId, await this.deps.events.readStream(streamId));
  }

  /**
   * This process appended `sealed` (from `seal`, in order) to a ledger it loaded, made from
   * `clear`: the cached ledger moves on by the clear entries without reading them back. An append
   * that expected the stream to exist (`unread`) moves a cached ledger that stood just before it.
   */
  appended(tenantId: string, loaded: LoadedLedger, clear: DomainEvent[], sealed: ReadonlyArray<{ data: unknown }>, revision: number): void {
    const events = clear.map((event, i) => ({ ...event, metadata: { sealedWith: kidOf(sealed[i]?.data) } }));
    const before = loaded.expectedRevision === 'stream_exists' ? { expectedRevision: revision - events.length } : loaded;
    this.deps.states.appended(loaded.streamId, this.evolverOf(tenantId), before, events, revision);
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

  /** Erasure: every period the index names, then the index (and a stream from before ADR 0018, if any is left). */
  async deleteLedger(name: LedgerName): Promise<void> {
    for (const period of await this.knownPeriods(name)) await this.delete(ledgerPeriodStream(name.stream, period));
    await this.delete(ledgerIndexStream(name.stream));
    await this.delete(name.stream);
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
