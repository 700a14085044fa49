import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { RotatingFile } from './rotating-file.js';

describe('RotatingFile', () => {
  let dir: string;
  let now: Date;
  const clock = () => now;
  const files = () => readdirSync(dir).sort();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plass-rotating-'));
    now = new Date('2026-12-06T23:59:59.000Z');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each UTC day to its own file, turning at midnight', () => {
    const log = new RotatingFile({ path: join(dir, 'gateway.log'), retentionDays: 7, now: clock });
    log.write('before midnight\n');
    now = new Date('2026-12-07T00:00:00.000Z');
    log.write('after midnight\n');
    log.close();

    expect(files()).toEqual(['gateway.2026-12-06.log', 'gateway.2026-12-07.log']);
    expect(readFileSync(join(dir, 'gateway.2026-12-06.log'), 'utf8')).toBe('before midnight\n');
    expect(readFileSync(join(dir, 'gateway.2026-12-07.log'), 'utf8')).toBe('after midnight\n');
  });

  it('deletes the files of days past the retention at start and when the day turns, and only its own', () => {
    for (const day of ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-05']) writeFileSync(join(dir, `gateway.${day}.log`), 'old\n');
    writeFileSync(join(dir, 'booking.2026-11-01.log'), 'another service\n');
    writeFileSync(join(dir, 'gateway.log'), 'the unrotated file of an earlier version\n');

    const log = new RotatingFile({ path: join(dir, 'gateway.log'), retentionDays: 7, now: clock });
    // Today is 2026-12-06: the seven days before it (from 2026-11-29) stay.
    expect(files()).toEqual(['booking.2026-11-01.log', 'gateway.2026-11-29.log', 'gateway.2026-11-30.log', 'gateway.2026-12-05.log', 'gateway.2026-12-06.log']);

    now = new Date('2026-12-08T08:00:00.000Z');
    log.write('two days later\n');
    log.close();
    expect(files()).toEqual(['booking.2026-11-01.log', 'gateway.2026-12-05.log', 'gateway.2026-12-06.log', 'gateway.2026-12-08.log']);
  });

  it('refuses a retention that is not a whole number of days', () => {
    expect(() => new RotatingFile({ path: join(dir, 'x.log'), retentionDays: 0, now: clock })).toThrow(/whole number of days/);
  });
});
