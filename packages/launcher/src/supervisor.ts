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

interface Running {
  spec: ChildSpec;
  process: ChildProcess;
  exit: Promise<ChildExit>;
  exited?: ChildExit;
  recent: string[];
}

const RECENT_LINES = 30;

export const describeExit = (exit: ChildExit): string =>
  exit.error ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`);

/**
 * Runs child processes, prefixing their output, and stops them in reverse start order.
 * The first exit that `stop()` did not ask for resolves `crashed`.
 */
export class Supervisor {
  readonly crashed: Promise<ChildExit>;
  private reportCrash!: (exit: ChildExit) => void;
  private readonly children: Running[] = [];
  private stopping = false;
  private readonly killAllOnExit = () => {
    for (const child of this.children) if (!child.exited) child.process.kill('SIGKILL');
  };

  constructor(
    private readonly options: {
      out: Writable;
      err: Writable;
      prefix: Prefixer;
      /** How long a child gets after SIGTERM before SIGKILL. */
      stopTimeoutMs?: number;
    },
  ) {
    this.crashed = new Promise((resolve) => (this.reportCrash = resolve));
  }

  start(spec: ChildSpec): void {
    if (this.stopping) throw new Error(`cannot start ${spec.name}: the supervisor is stopping`);
    // Last resort if the launcher itself dies: children run in their own process groups.
    if (this.children.length === 0) process.on('exit', this.killAllOnExit);
    // Own process group: a terminal's Ctrl-C reaches only the launcher, which then stops the
    // children in order (gateway first, nats-server last) instead of all at once.
    const child = spawn(spec.command, [...spec.args], {
      env: spec.env ?? process.env,
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let resolveExit!: (exit: ChildExit) => void;
    const running: Running = { spec, process: child, recent: [], exit: new Promise((resolve) => (resolveExit = resolve)) };
    const show = (stream: Writable) => (line: string) => {
      if (spec.quiet) {
        running.recent.push(line);
        if (running.recent.length > RECENT_LINES) running.recent.shift();
      } else {
        stream.write(`${this.options.prefix(spec.name, line)}\n`);
      }
    };
    createInterface({ input: child.stdout! }).on('line', show(this.options.out));
    createInterface({ input: child.stderr! }).on('line', show(this.options.err));

    const done = (exit: ChildExit) => {
      if (running.exited) return;
      running.exited = exit;
      resolveExit(exit);
      if (this.stopping) return;
      for (const line of running.recent) this.options.err.write(`${this.options.prefix(spec.name, line)}\n`);
      this.reportCrash(exit);
    };
    child.on('error', (error) => {
      if (child.pid === undefined) done({ name: spec.name, code: null, signal: null, error: `could not start: ${error.message}` });
    });
    // 'close' rather than 'exit': the child's last output lines are written before it counts as gone.
    child.once('close', (code, signal) => done({ name: spec.name, code, signal }));
    this.children.push(running);
  }

  names(): string[] {
    return this.children.map((child) => child.spec.name);
  }

  isRunning(name: string): boolean {
    return this.children.some((child) => child.spec.name === name && !child.exited);
  }

  /** Stops every running child, last started first, each SIGTERM then SIGKILL after the timeout. */
  async stop(): Promise<StoppedChild[]> {
    this.stopping = true;
    const stopped: StoppedChild[] = [];
    for (const child of [...this.children].reverse()) {
      if (child.exited) continue;
      stopped.push(await this.stopOne(child));
    }
    process.off('exit', this.killAllOnExit);
    return stopped;
  }

  /** Second Ctrl-C: no more waiting. */
  kill(): void {
    this.stopping = true;
    this.killAllOnExit();
  }

  private async stopOne(child: Running): Promise<StoppedChild> {
    child.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.stopTimeoutMs ?? 10_000);
    });
    const first = await Promise.race([child.exit, timedOut]);
    clearTimeout(timer);
    if (first !== 'timeout') return { ...first, killed: false };
    child.process.kill('SIGKILL');
    return { ...(await child.exit), killed: true };
  }
}
