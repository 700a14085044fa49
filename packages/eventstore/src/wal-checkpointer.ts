import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints a WAL-mode SQLite file from a worker thread with its own connection. better-sqlite3
 * is synchronous, so a checkpoint run by the connection that commits (SQLite's automatic one)
 * stops the service's event loop while pages are copied and the file is synced; PASSIVE
 * checkpoints from the worker never block a writer, and the main connection's automatic
 * checkpoint is left only as a safety net (`SAFETY_NET_PAGES`). One small worker per process
 * serves every file.
 *
 * SQLite starts the WAL over only when a write begins after every frame in it was copied, which a
 * steady load, committing every few milliseconds, seldom leaves room for: the WAL grew to the
 * safety net and the main connection checkpointed it, about every five seconds in booking at
 * ~950 bookings/s, each time stopping its event loop for the copy and a ~20 ms fsync. So once the
 * WAL holds `restartAfterFrames`, the worker checkpoints again every millisecond or so until one
 * lands between two commits and the next commit starts the WAL over.
 */
export class WalCheckpointer {
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly file: string,
    /** Past this many frames in the WAL the worker chases a restart (`RESTART_AFTER_FRAMES`). */
    restartAfterFrames = RESTART_AFTER_FRAMES,
  ) {
    shared().add(file, restartAfterFrames);
  }

  stop(): Promise<void> {
    this.stopped ??= shared().remove(this.file);
    return this.stopped;
  }
}

/** The main connection still checkpoints by itself once the WAL holds this many pages (~80 MB). */
export const SAFETY_NET_PAGES = 20_000;

/** 16 MB of 4 KiB pages, one segment of SQLite's WAL index: a restart about every second at booking's half-peak load. */
export const RESTART_AFTER_FRAMES = 4_096;
/**
 * A restart costs the committing connection an fsync of the new WAL header, and a file written
 * less often than this restarts after every checkpoint that finds it written: once a second.
 */
const EVERY_MS = 1_000;
/** How often, and how many times in a row, the worker checkpoints again while chasing a restart. */
const CHASE_EVERY_MS = 1;
const CHASE_TRIES = 200;

class CheckpointWorker {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private readonly files = new Map<string, number>();
  private readonly waiting = new Map<number, () => void>();
  private nextId = 0;

  constructor() {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { sqlite, everyMs: EVERY_MS, chaseEveryMs: CHASE_EVERY_MS, chaseTries: CHASE_TRIES },
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    });
    this.worker.unref();
    this.worker.on('message', (id: number) => {
      this.waiting.get(id)?.();
      this.waiting.delete(id);
    });
    // A failed checkpointer only costs latency: the safety net keeps every WAL bounded.
    this.worker.on('error', () => undefined);
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        if (worker === this) worker = undefined;
        for (const done of this.waiting.values()) done();
        resolve();
      }),
    );
  }

  add(file: string, restartAfterFrames: number): void {
    this.files.set(file, (this.files.get(file) ?? 0) + 1);
    this.worker.postMessage({ add: file, restartAfterFrames });
  }

  /** Resolves once the worker closed its connection to `file` (and exited, if it was the last). */
  async remove(file: string): Promise<void> {
    const count = (this.files.get(file) ?? 1) - 1;
    if (count > 0) this.files.set(file, count);
    else this.files.delete(file);
    // A store opened from now on gets a fresh worker; this one is closing.
    if (this.files.size === 0 && worker === this) worker = undefined;
    const id = this.nextId++;
    const removed = new Promise<void>((resolve) => this.waiting.set(id, resolve));
    // Referenced while a removal is pending, so the process waits for the connection to close.
    this.worker.ref();
    this.worker.postMessage({ remove: file, id, last: this.files.size === 0 });
    await Promise.race([removed, this.exited]);
    if (this.files.size === 0) await this.exited;
    else if (this.waiting.size === 0) this.worker.unref();
  }
}

let worker: CheckpointWorker | undefined;
const shared = (): CheckpointWorker => (worker ??= new CheckpointWorker());

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const dbs = new Map();
// Frames in the WAL after a PASSIVE checkpoint (0 if it failed: the next turn tries again).
const checkpoint = (entry) => {
  try { return entry.db.pragma('wal_checkpoint(PASSIVE)')[0].log; } catch { return 0; }
};
const chase = (entry, triesLeft) => {
  entry.chase = setTimeout(() => {
    entry.chase = undefined;
    if (entry.db.open && checkpoint(entry) > entry.restartAfterFrames && triesLeft > 1) chase(entry, triesLeft - 1);
  }, workerData.chaseEveryMs);
};
const timer = setInterval(() => {
  for (const entry of dbs.values()) {
    if (entry.chase === undefined && checkpoint(entry) > entry.restartAfterFrames) chase(entry, workerData.chaseTries);
  }
}, workerData.everyMs);
const close = (entry) => {
  clearTimeout(entry.chase);
  entry.db.close();
};
parentPort.on('message', (message) => {
  if (message.add !== undefined) {
    const entry = dbs.get(message.add);
    if (entry) {
      entry.count += 1;
      entry.restartAfterFrames = Math.min(entry.restartAfterFrames, message.restartAfterFrames);
    } else {
      try {
        const db = new Database(message.add);
        db.pragma('busy_timeout = 100');
        dbs.set(message.add, { db, count: 1, restartAfterFrames: message.restartAfterFrames, chase: undefined });
      } catch {}
    }
    return;
  }
  const entry = dbs.get(message.remove);
  if (entry && --entry.count === 0) {
    close(entry);
    dbs.delete(message.remove);
  }
  parentPort.postMessage(message.id);
  if (message.last) {
    clearInterval(timer);
    for (const entry of dbs.values()) close(entry);
    parentPort.close();
  }
});
`;
