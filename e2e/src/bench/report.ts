import type { ErasureFigures } from './erasure.js';
import type { RunFigures } from './load.js';
import { megabytes, type MachineTicks, type Memory } from './memory.js';

export const P99_TARGET_MS = 100;
export const ERASURE_P99_TARGET_MS = 2000;

const ms = (value: number) => `${Math.round(value)} ms`;

export function runLine(title: string, run: RunFigures): string {
  const failures = Object.entries(run.statuses).map(([code, count]) => `${count}×${code}`);
  if (run.errors) failures.push(`${run.errors} connection errors (${run.timeouts} timeouts)`);
  return (
    `bench: ${title}: ${run.booked} bookings in ${run.seconds.toFixed(1)}s = ${run.bookedPerSecond.toFixed(0)}/s, ` +
    `p50 ${ms(run.p50)} / p99 ${ms(run.p99)}, non-2xx ${run.non2xx}${failures.length ? ` (${failures.join(', ')})` : ''}`
  );
}

/** CPU each process spent per booking made during a run: where a booking's cost goes. */
export function cpuLine(run: string, used: ReadonlyArray<{ name: string; seconds: number }>, booked: number): string {
  const per = used.map(({ name, seconds }) => `${name} ${Number.isFinite(seconds) && booked > 0 ? ((seconds * 1000) / booked).toFixed(2) : 'n/a'}`);
  return `bench: CPU ms per booking (${run}): ${per.join(', ')}`;
}

/** How busy the whole machine was during a run, and how much of it the hypervisor took (steal). */
export function machineLine(run: string, before: MachineTicks | undefined, after: MachineTicks | undefined): string | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  const share = (ticks: number) => `${((100 * ticks) / (after.total - before.total)).toFixed(0)} %`;
  return `bench: machine during the ${run}: ${share(after.total - before.total - (after.idle - before.idle) - (after.steal - before.steal))} busy, ${share(after.steal - before.steal)} stolen by the hypervisor`;
}

export function memoryLines(memory: ReadonlyArray<{ name: string; memory: Memory | undefined }>): string[] {
  const width = Math.max(...memory.map((entry) => entry.name.length));
  return memory.map(
    ({ name, memory: m }) => `bench:   ${name.padEnd(width)}  RSS ${m ? megabytes(m.rss).padStart(7) : '    n/a'}, peak ${m ? megabytes(m.peak).padStart(7) : 'n/a'}`,
  );
}

/** Targets are reported, not enforced: a missed target is a finding, not a failed run. */
export function erasureLine(erasure: ErasureFigures): string {
  const failed = erasure.refusedOrFailed ? `, ${erasure.refusedOrFailed} not completed` : '';
  return `bench: erasure: ${erasure.erased} people erased one by one, p50 ${ms(erasure.p50)} / p99 ${ms(erasure.p99)} / max ${ms(erasure.max)} from request to the last receipt${failed}`;
}

/** `rateSet`: the paced run ran at BENCH_HALF_RATE, not at half the peak's rate, so it checks no target. */
export function targetNotes(peak: RunFigures, half: RunFigures, erasure?: ErasureFigures, rateSet = false): string[] {
  const notes: string[] = [];
  if (erasure && !(erasure.p99 < ERASURE_P99_TARGET_MS)) notes.push(`bench: target missed: erasure p99 ${ms(erasure.p99)}, target < ${ERASURE_P99_TARGET_MS} ms`);
  if (erasure?.refusedOrFailed) notes.push(`bench: note: ${erasure.refusedOrFailed} erasures did not complete`);
  if (rateSet) notes.push(`bench: note: the paced run ran at BENCH_HALF_RATE, so its p99 (${ms(half.p99)}) is not checked against the half-peak target`);
  else if (half.p99 > P99_TARGET_MS) notes.push(`bench: target missed: p99 ${ms(half.p99)} at half peak, target ≤ ${P99_TARGET_MS} ms`);
  if (peak.non2xx + half.non2xx > 0) notes.push(`bench: note: ${peak.non2xx + half.non2xx} booking requests were not answered 2xx`);
  if (peak.errors + half.errors > 0) notes.push(`bench: note: ${peak.errors + half.errors} connection errors`);
  return notes;
}

export function summaryLine(peak: RunFigures, half: RunFigures, memory: ReadonlyArray<{ name: string; memory: Memory | undefined }>, erasure?: ErasureFigures): string {
  const rss = memory.map(({ name, memory: m }) => `${name} ${m ? megabytes(m.peak) : 'n/a'}`).join(', ');
  return (
    `bench: ${peak.bookedPerSecond.toFixed(0)} bookings/s peak (p50 ${ms(peak.p50)} / p99 ${ms(peak.p99)}), ` +
    `p50 ${ms(half.p50)} / p99 ${ms(half.p99)} at ${half.bookedPerSecond.toFixed(0)}/s; ` +
    `${erasure ? `erasure p50 ${ms(erasure.p50)} / p99 ${ms(erasure.p99)}; ` : ''}peak RSS ${rss}`
  );
}

/** Targets of the history comparison (issue 19): with history ≥ 90 % of the empty store; half-peak p99 ≤ 50 ms in both; booking's RSS < 200 MB. */
export const HISTORY_RATIO_TARGET = 0.9;
export const HISTORY_HALF_P99_TARGET_MS = 50;
export const BOOKING_RSS_TARGET_MB = 200;
/** A long run (BENCH_DURATION ≥ 120 s) must sustain ≥ 90 % of the asked rate with p99 ≤ 100 ms. */
export const LONG_RUN_S = 120;

export function historyLine(written: { bookings: number; refused: Record<string, number>; seconds: number }): string {
  const refused = Object.entries(written.refused).map(([code, count]) => `${count}×${code}`);
  return (
    `bench: history: ${written.bookings.toLocaleString('en')} bookings written in ${written.seconds.toFixed(0)}s ` +
    `(${Math.round(written.bookings / written.seconds)}/s)${refused.length ? `, refused ${refused.join(', ')}` : ''}`
  );
}

interface Pass {
  peak: RunFigures;
  half: RunFigures;
  asked: number;
  bookingPeak: number | undefined;
}

/** The two passes side by side, the ratios, and every target the comparison misses. */
export function historyComparison(empty: Pass, history: Pass, durationS: number): string[] {
  const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
  const pct = (value: number) => `${Math.round(value * 100)} %`;
  const rss = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : megabytes(bytes));
  const { asked } = empty;
  const peakRatio = ratio(history.peak.bookedPerSecond, empty.peak.bookedPerSecond);
  const halfRatio = ratio(history.half.bookedPerSecond, empty.half.bookedPerSecond);
  const lines = [
    'bench: empty store vs a year of history (history / empty):',
    `bench:   peak          ${empty.peak.bookedPerSecond.toFixed(0)}/s vs ${history.peak.bookedPerSecond.toFixed(0)}/s = ${pct(peakRatio)}`,
    `bench:   half peak     ${empty.half.bookedPerSecond.toFixed(0)}/s vs ${history.half.bookedPerSecond.toFixed(0)}/s = ${pct(halfRatio)} (both asked ${asked}/s)`,
    `bench:   half-peak p99 ${ms(empty.half.p99)} vs ${ms(history.half.p99)}; p50 ${ms(empty.half.p50)} vs ${ms(history.half.p50)}`,
    `bench:   booking RSS   ${rss(empty.bookingPeak)} vs ${rss(history.bookingPeak)} (peak)`,
  ];
  const missed = (what: string) => lines.push(`bench: target missed: ${what}`);
  if (!(peakRatio >= HISTORY_RATIO_TARGET)) missed(`peak with history ${pct(peakRatio)} of the empty store's, target ≥ ${pct(HISTORY_RATIO_TARGET)}`);
  if (!(halfRatio >= HISTORY_RATIO_TARGET)) missed(`half peak with history ${pct(halfRatio)} of the empty store's, target ≥ ${pct(HISTORY_RATIO_TARGET)}`);
  for (const [name, pass] of [['empty store', empty] as const, ['history', history] as const]) {
    if (pass.half.p99 > HISTORY_HALF_P99_TARGET_MS) missed(`half-peak p99 ${ms(pass.half.p99)} (${name}), target ≤ ${HISTORY_HALF_P99_TARGET_MS} ms`);
    if (!(pass.bookingPeak !== undefined && pass.bookingPeak < BOOKING_RSS_TARGET_MB * 1024 * 1024))
      missed(`booking peak RSS ${rss(pass.bookingPeak)} (${name}), target < ${BOOKING_RSS_TARGET_MB} MB`);
    if (durationS >= LONG_RUN_S) {
      const sustained = ratio(pass.half.bookedPerSecond, asked);
      if (!(sustained >= HISTORY_RATIO_TARGET)) missed(`${durationS}-s run (${name}) sustained ${pct(sustained)} of the asked ${asked}/s, target ≥ ${pct(HISTORY_RATIO_TARGET)}`);
      if (pass.half.p99 > P99_TARGET_MS) missed(`${durationS}-s run (${name}) p99 ${ms(pass.half.p99)}, target ≤ ${P99_TARGET_MS} ms`);
    }
  }
  return lines;
}
