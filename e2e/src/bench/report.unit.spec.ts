import { describe, expect, it } from '@jest/globals';
import type { RunFigures } from './load.js';
import { historyComparison } from './report.js';

const run = (bookedPerSecond: number, p99: number): RunFigures => ({
  seconds: 15,
  booked: bookedPerSecond * 15,
  bookedPerSecond,
  non2xx: 0,
  statuses: {},
  errors: 0,
  timeouts: 0,
  p50: p99 / 4,
  p99,
});
const MB = 1024 * 1024;
const pass = (peak: number, half: number, p99: number, rssMb: number) => ({ peak: run(peak, 80), half: run(half, p99), asked: 800, bookingPeak: rssMb * MB });
const missed = (lines: string[]) => lines.filter((line) => line.startsWith('bench: target missed'));

describe('the history comparison', () => {
  it('prints the ratios and misses nothing when every target holds', () => {
    const lines = historyComparison(pass(1600, 800, 30, 150), pass(1500, 795, 45, 160), 15);
    expect(lines.join('\n')).toContain('1600/s vs 1500/s = 94 %');
    expect(missed(lines)).toEqual([]);
  });

  it('names each target a year of history misses', () => {
    const lines = missed(historyComparison(pass(1600, 800, 30, 150), pass(1200, 700, 60, 210), 15));
    expect(lines).toEqual([
      expect.stringContaining('peak with history 75 %'),
      expect.stringContaining('half peak with history 88 %'),
      expect.stringContaining('half-peak p99 60 ms (history)'),
      expect.stringContaining('booking peak RSS 210 MB (history)'),
    ]);
  });

  it('checks the sustained rate and p99 of a 120-second run against the asked rate', () => {
    // The empty store's paced run sustained its asked 800/s; the history's fell short of it.
    const lines = missed(historyComparison(pass(1600, 800, 30, 150), pass(1600, 700, 120, 150), 120));
    expect(lines).toEqual([
      expect.stringContaining('half peak with history 88 %'),
      expect.stringContaining('half-peak p99 120 ms (history)'),
      expect.stringContaining('120-s run (history) sustained 88 % of the asked 800/s'),
      expect.stringContaining('120-s run (history) p99 120 ms'),
    ]);
    expect(missed(historyComparison(pass(1600, 800, 30, 150), pass(1600, 700, 120, 150), 15))).toHaveLength(2);
  });
});
