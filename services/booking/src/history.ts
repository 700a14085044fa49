import { randomUUID } from 'node:crypto';
import { Bus } from '@plass/bus';
import { DomainFailure, type RequestContext } from '@plass/contracts';
import type { Logger } from '@plass/telemetry';
import { bookingApps } from './booking.module.js';
import { openEventStore, openReadModelStore, type StoreConfig } from './stores.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SHOW_EVERY_MS = 2_000;
/** Bookings decided at once: distinct spaces and people, so they seldom meet on a stream. */
const IN_FLIGHT = 32;

export interface HistoryOptions extends StoreConfig {
  natsUrl: string;
  tenantId: string;
  /** The admin who books (on behalf of `peopleIds`, as the benchmark's bookers do). */
  adminId: string;
  spaceIds: readonly string[];
  peopleIds: readonly string[];
  /** Days of history, ending the day before `until`. */
  days: number;
  until: Date;
  progress: (line: string) => void;
  logger: Logger;
}

export interface HistoryFigures {
  bookings: number;
  /** Refusals by problem code (none expected: every slot is distinct). */
  refused: Record<string, number>;
  seconds: number;
}

/**
 * A benchmark's history (`BENCH_HISTORY_DAYS`): every space booked once a day, 07:00–15:00 UTC, for
 * `days` days, each day's bookings decided by the booking service's own use case (`createBooking`)
 * at a clock set to an hour before that day's bookings start — so every rule, seal, ledger period
 * and slot is what the service would have written — straight into its event store, not through
 * HTTP. The booking service must not run meanwhile (its caches would not know these writes); the
 * key vault (privacy) must, for the keys. What the history publishes is marked published without
 * being sent: the read models and analytics do not replay a year (analytics at scale has its own
 * benchmark), the decisions of the runs after it read only the event store.
 */
export async function writeHistory(options: HistoryOptions): Promise<HistoryFigures> {
  const bus = await Bus.connect({ servers: options.natsUrl, name: 'booking-history', logger: options.logger });
  const events = await openEventStore(options);
  const readModel = await openReadModelStore(options);
  let clock = new Date(0);
  const { bookings } = bookingApps(bus, events, readModel, { now: () => clock });
  const ctx: RequestContext = { tenantId: options.tenantId, actorId: options.adminId, roles: ['admin'], correlationId: randomUUID() };
  const { spaceIds, peopleIds } = options;
  const total = options.days * spaceIds.length;
  const firstDay = Date.UTC(options.until.getUTCFullYear(), options.until.getUTCMonth(), options.until.getUTCDate()) - options.days * DAY;
  const startedAt = performance.now();
  let shownAt = Date.now();
  let made = 0;
  const refused: Record<string, number> = {};
  try {
    for (let day = 0; day < options.days; day += 1) {
      const start = firstDay + day * DAY + 7 * HOUR;
      clock = new Date(start - HOUR);
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < spaceIds.length; i = next++) {
          const k = day * spaceIds.length + i;
          const request = {
            spaceId: spaceIds[i]!,
            start: new Date(start).toISOString(),
            end: new Date(start + 8 * HOUR).toISOString(),
            onBehalfOf: peopleIds[k % peopleIds.length]!,
            subject: 'History',
          };
          try {
            await bookings.createBooking(request, ctx);
            made += 1;
          } catch (error) {
            if (!(error instanceof DomainFailure)) throw error;
            refused[error.error.code] = (refused[error.error.code] ?? 0) + 1;
          }
          if (Date.now() - shownAt > SHOW_EVERY_MS) {
            shownAt = Date.now();
            options.progress(bar(made + count(refused), total, `day ${day + 1}/${options.days}, ${Math.round(made / ((performance.now() - startedAt) / 1000))}/s`));
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    }
    options.progress(bar(made + count(refused), total, 'marking the history published…'));
    const relay = events.relay({ publish: async () => undefined });
    await relay.start();
    await relay.idle();
    await relay.stop();
  } finally {
    await bus.close();
    await events.close();
    await readModel.close();
  }
  return { bookings: made, refused, seconds: (performance.now() - startedAt) / 1000 };
}

const count = (refused: Record<string, number>) => Object.values(refused).reduce((sum, n) => sum + n, 0);

/** `[#####.....] 41% 300,000 / 730,000 bookings, <what>` */
function bar(done: number, total: number, what: string): string {
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(share * 20);
  return `history: [${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${Math.floor(share * 100)}% ${done.toLocaleString('en')} / ${total.toLocaleString('en')} bookings, ${what}`;
}
