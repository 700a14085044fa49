import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { z } from 'zod';
import { Streams } from '@plass/contracts';
import type { Bus } from './bus.js';
import { addStreamIfMissing, readLastOfSubject, writeIfLast } from './jetstream.js';

/** One message per lease subject: the stream's last sequence per subject is the compare-and-set version. */
export const LEASE_STREAM = Streams.leases;
export const leaseSubject = (name: string) => `lease.${name}`;

const LEASE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const encoder = new TextEncoder();

/** nats-server 2.9 has no per-message TTL, so the record carries its own expiry, judged by whoever reads it. */
const LeaseRecord = z.object({ holder: z.string().nullable(), expiresAt: z.number() });
type LeaseRecord = z.infer<typeof LeaseRecord>;

export interface LeaseOptions {
  /** e.g. `booking-no-show-release`; a subject token, no personal data. */
  name: string;
  /** The replica's id. */
  holder: string;
  /** Keep it well above the renewal period plus any clock skew between replicas. */
  ttlMs: number;
  now?: () => number;
}

/** Creates the PLASS_LEASES stream when missing; safe to call from every replica. */
export async function ensureLeaseStore(bus: Bus, options: { replicas?: number } = {}): Promise<void> {
  await addStreamIfMissing(bus, {
    name: LEASE_STREAM,
    subjects: [leaseSubject('>')],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs_per_subject: 1,
    num_replicas: options.replicas ?? 1,
  });
}

/**
 * A named lease so that only one replica acts at a time. Every write is a compare-and-set on the
 * subject's last sequence, so of N concurrent writers exactly one succeeds.
 */
export class Lease {
  private readonly subject: string;
  private readonly now: () => number;
  /** Sequence and expiry of our last successful write; undefined when we do not hold it. */
  private held: { seq: number; expiresAt: number } | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly options: LeaseOptions,
  ) {
    if (!LEASE_NAME.test(options.name)) throw new Error('a lease name must be dot-separated subject tokens of [A-Za-z0-9_-]');
    if (!(options.ttlMs > 0)) throw new Error('a lease ttl must be positive');
    this.subject = leaseSubject(options.name);
    this.now = options.now ?? Date.now;
  }

  /**
   * Takes the lease if free or expired, or renews it if we hold it; answers whether we hold it now.
   * A holder with more than half its ttl left keeps it without a round trip: nobody may take it
   * before it expires, and a leader's every round (up to hundreds a second, when events kick it)
   * would otherwise read and write the lease stream each time.
   */
  async acquire(): Promise<boolean> {
    if (this.held !== undefined && this.held.expiresAt - this.now() > this.options.ttlMs / 2) return true;
    const { seq, record } = await this.read();
    const now = this.now();
    const takenByOther = record !== undefined && record.holder !== null && record.holder !== this.options.holder && record.expiresAt > now;
    if (takenByOther) {
      this.held = undefined;
      return false;
    }
    const expiresAt = now + this.options.ttlMs;
    const written = await this.write({ holder: this.options.holder, expiresAt }, seq);
    this.held = written === undefined ? undefined : { seq: written, expiresAt };
    return this.held !== undefined;
  }

  /** Gives it up if we hold it (so another replica can act at once). */
  async release(): Promise<void> {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    // A failed compare-and-set means another replica took it after ours expired: nothing to give up.
    await this.write({ holder: null, expiresAt: 0 }, held.seq);
  }

  /** Judged by our own clock, so a replica cut off from NATS stops acting once its lease runs out. */
  holds(): boolean {
    return this.held !== undefined && this.now() < this.held.expiresAt;
  }

  private async read(): Promise<{ seq: number; record: LeaseRecord | undefined }> {
    const { seq, data } = await readLastOfSubject(this.bus, LEASE_STREAM, this.subject);
    if (data === undefined) return { seq, record: undefined };
    const parsed = LeaseRecord.safeParse(safeJson(data));
    // An unreadable record is treated as free; the compare-and-set still guards the overwrite.
    return { seq, record: parsed.success ? parsed.data : undefined };
  }

  /** Answers the new sequence, or undefined when someone else wrote since `lastSeq`. */
  private async write(record: LeaseRecord, lastSeq: number): Promise<number | undefined> {
    return writeIfLast(this.bus, this.subject, encoder.encode(JSON.stringify(record)), lastSeq);
  }
}

export function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

export interface LeaderRunner {
  /** Waits for a running tick, then releases the lease so another replica takes over at once. */
  stop(): Promise<void>;
  /** Runs a round now instead of at the next period (after the running one, if any): work has arrived. */
  kick(): void;
}

export interface LeaderRunnerOptions {
  everyMs: number;
  /**
   * How long after a kick its round starts (default 0: at once). The kicks that come meanwhile
   * share that round, so a steady trickle of work is done in batches, not one round per item.
   */
  kickDelayMs?: number;
  signal?: AbortSignal;
  onError?(error: unknown): void;
}

/**
 * Every `everyMs` acquires or renews the lease and, while it holds it, runs `tick`. Ticks never
 * overlap; `everyMs` must be well below the lease's ttl or the lease lapses between renewals.
 */
export function runWhileLeader(lease: Lease, tick: () => Promise<void>, options: LeaderRunnerOptions): LeaderRunner {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const kickDelayMs = options.kickDelayMs ?? 0;

  const round = async () => {
    try {
      if ((await lease.acquire()) && !stopped) await tick();
    } catch (error) {
      options.onError?.(error);
    }
  };
  let busy = false;
  let again = false;
  /** Whether the pending timer is a kick's (so later kicks wait for it rather than restart it). */
  let kicked = false;
  const schedule = () => {
    if (stopped) return;
    kicked = false;
    busy = true;
    running = round().finally(() => {
      busy = false;
      if (stopped) return;
      if (again) {
        again = false;
        scheduleKicked();
      } else timer = setTimeout(schedule, options.everyMs);
    });
  };
  const scheduleKicked = () => {
    if (kickDelayMs === 0) return schedule();
    kicked = true;
    timer = setTimeout(schedule, kickDelayMs);
  };
  const kick = () => {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    if (kicked) return;
    clearTimeout(timer);
    scheduleKicked();
  };

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      stopped = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      await running;
      try {
        await lease.release();
      } catch (error) {
        options.onError?.(error);
      }
    })();
    return stopping;
  };
  const onAbort = () => void stop();

  if (options.signal?.aborted) {
    stopped = true;
    return { stop, kick };
  }
  options.signal?.addEventListener('abort', onAbort, { once: true });
  schedule();
  return { stop, kick };
}
