import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { Prefixer } from './prefix.js';

export interface ChildSpec {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Keep the output to show only if the child dies unexpectedly (nats-server is chatty). */
  quiet?: boolean;
}

export interface ChildExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  error?: string;
}

export interface StoppedChild extends ChildExit {
  /** Did not exit within the stop timeout after SIGTERM and was SIGKILLed. */
  killed: boolean;
}

/**
 * How a child that exits on its own is started again: after `initialDelayMs`, doubling with each
 * further crash up to `maxDelayMs`; a child that had run `healthyAfterMs` before it crashed starts
 * over at `initialDelayMs`. `crashLoopCrashes` crashes within `crashLoopWindowMs` are a crash loop:
 * reported loudly, and restarted all the same (at most `maxDelayMs` apart) — the launcher decides
 * whether that ends the run.
 */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  healthyAfterMs: number;
  crashLoopCrashes: number;
  crashLoopWindowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  healthyAfterMs: 60_000,
  crashLoopCrashes: 5,
  crashLoopWindowMs: 120_000,
};

/** The clock and timers the backoff runs on; tests drive them by hand. */
export interface SupervisorClock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: SupervisorClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface CrashReport {
  exit: ChildExit;
  /** How long this run of the child lasted. */
  ranMs: number;
  /** Consecutive crashes, counting this one: the restart about to be made is attempt `attempt`. */
  attempt: number;
  delayMs: number;
  /** Crashes of this child within the crash-loop window, this one included. */
  recentCrashes: number;
  crashLoop: boolean;
}

interface Run {
  process: ChildProcess;
  startedAt: number;
  exit: Promise<ChildExit>;
  exited?: ChildExit;
}

/** One supervised child across its restarts. */
interface Slot {
  spec: ChildSpec;
  run?: Run;
  restartTimer?: unknown;
  attempt: number;
  crashTimes: number[];
  recent: string[];
}

const RECENT_LINES = 20;

export const describeExit = (exit: ChildExit): string => exit.error ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * Runs child processes, prefixing their output; restarts one that exits on its own (see
 * `RestartPolicy`), saying so on `err`; stops them in reverse start order.
 */
export class Supervisor {
  private readonly slots: Slot[] = [];
  private readonly policy: RestartPolicy;
  private readonly clock: SupervisorClock;
  private stopping = false;
  private readonly killAllOnExit = () => {
    for (const slot of this.slots) if (slot.run && !slot.run.exited) slot.run.process.kill('SIGKILL');
  };

  constructor(
    private readonly options: {
      out: Writable;
      err: Writable;
      prefix: Prefixer;
      /** How long a child gets after SIGTERM before SIGKILL. */
      stopTimeoutMs?: number;
      restart?: Partial<RestartPolicy>;
      clock?: SupervisorClock;
      /** Called after each crash has been reported, with the restart already scheduled. */
      onCrash?: (report: CrashReport) => void;
    },
  ) {
    this.policy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    this.clock = options.clock ?? systemClock;
  }

  start(spec: ChildSpec): void {
    if (this.stopping) throw new Error(`cannot start ${spec.name}: the supervisor is stopping`);
    if (this.slots.some((slot) => slot.spec.name === spec.name)) throw new Error(`${spec.name} is already supervised`);
    // Last resort if the launcher itself dies: children run in their own process groups.
    if (this.slots.length === 0) process.on('exit', this.killAllOnExit);
    const slot: Slot = { spec, attempt: 0, crashTimes: [], recent: [] };
    this.slots.push(slot);
    this.spawn(slot);
  }

  names(): string[] {
    return this.slots.map((slot) => slot.spec.name);
  }

  isRunning(name: string): boolean {
    const run = this.slots.find((slot) => slot.spec.name === name)?.run;
    return run !== undefined && !run.exited;
  }

  /** Stops every running child, last started first, each SIGTERM then SIGKILL after the timeout; pending restarts are dropped. */
  async stop(): Promise<StoppedChild[]> {
    this.stopping = true;
    this.cancelRestarts();
    const stopped: StoppedChild[] = [];
    for (const slot of [...this.slots].reverse()) {
      if (!slot.run || slot.run.exited) continue;
      stopped.push(await this.stopOne(slot.run));
    }
    process.off('exit', this.killAllOnExit);
    return stopped;
  }

  /** Second Ctrl-C: no more waiting. */
  kill(): void {
    this.stopping = true;
    this.cancelRestarts();
    this.killAllOnExit();
  }

  private cancelRestarts(): void {
    for (const slot of this.slots) {
      if (slot.restartTimer === undefined) continue;
      this.clock.clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
    }
  }

  private spawn(slot: Slot): void {
    const { spec } = slot;
    // Own process group: a terminal's Ctrl-C reaches only the launcher, which then stops the
    // children in order (gateway first, nats-server last) instead of all at once.
    const child = spawn(spec.command, [...spec.args], {
      env: spec.env ?? process.env,
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let resolveExit!: (exit: ChildExit) => void;
    const run: Run = { process: child, startedAt: this.clock.now(), exit: new Promise((resolve) => (resolveExit = resolve)) };
    slot.run = run;
    const show = (stream: Writable) => (line: string) => {
      slot.recent.push(line);
      if (slot.recent.length > RECENT_LINES) slot.recent.shift();
      if (!spec.quiet) stream.write(`${this.options.prefix(spec.name, line)}\n`);
    };
    createInterface({ input: child.stdout }).on('line', show(this.options.out));
    createInterface({ input: child.stderr }).on('line', show(this.options.err));

    const done = (exit: ChildExit) => {
      if (run.exited) return;
      run.exited = exit;
      resolveExit(exit);
      if (!this.stopping) this.crashed(slot, run, exit);
    };
    child.on('error', (error) => {
      if (child.pid === undefined) done({ name: spec.name, code: null, signal: null, error: `could not start: ${error.message}` });
    });
    // 'close' rather than 'exit': the child's last output lines are written before it counts as gone.
    child.once('close', (code, signal) => done({ name: spec.name, code, signal }));
  }

  private crashed(slot: Slot, run: Run, exit: ChildExit): void {
    const now = this.clock.now();
    const ranMs = now - run.startedAt;
    const policy = this.policy;
    slot.attempt = ranMs >= policy.healthyAfterMs ? 1 : slot.attempt + 1;
    slot.crashTimes = [...slot.crashTimes.filter((at) => now - at < policy.crashLoopWindowMs), now];
    const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (slot.attempt - 1));
    const report: CrashReport = {
      exit,
      ranMs,
      attempt: slot.attempt,
      delayMs,
      recentCrashes: slot.crashTimes.length,
      crashLoop: slot.crashTimes.length >= policy.crashLoopCrashes,
    };

    const say = (line: string) => this.options.err.write(`plass: ${line}\n`);
    const name = slot.spec.name;
    say(`${name} crashed (${describeExit(exit)}) after ${seconds(ranMs)}${slot.recent.length ? '; its last output:' : ''}`);
    for (const line of slot.recent) this.options.err.write(`${this.options.prefix(name, line)}\n`);
    slot.recent = [];
    if (report.crashLoop) {
      say(
        `CRASH LOOP: ${name} crashed ${report.recentCrashes} times within ${seconds(policy.crashLoopWindowMs)}; ` +
          `it keeps being restarted, at most ${seconds(policy.maxDelayMs)} apart, until it stays up or plass is stopped`,
      );
    }
    say(`restarting ${name} in ${seconds(delayMs)} (attempt ${report.attempt})`);
    slot.restartTimer = this.clock.setTimeout(() => {
      slot.restartTimer = undefined;
      if (this.stopping) return;
      this.spawn(slot);
      say(`${name} started again (attempt ${report.attempt})`);
    }, delayMs);
    this.options.onCrash?.(report);
  }

  private async stopOne(run: Run): Promise<StoppedChild> {
    run.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.stopTimeoutMs ?? 10_000);
    });
    const first = await Promise.race([run.exit, timedOut]);
    clearTimeout(timer);
    if (first !== 'timeout') return { ...first, killed: false };
    run.process.kill('SIGKILL');
    return { ...(await run.exit), killed: true };
  }
}
