import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DailyLogFile, logRetentionDays } from './daily-log-file.js';
import { CENSOR, createLogger } from './logger.js';

const DAY_MS = 86_400_000;

function clockAt(iso: string) {
  let now = Date.parse(iso);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('DailyLogFile', () => {
  // Not @plass/testing's tempDir: telemetry builds before the testing package.
  let dir: { path: string; remove(): void };
  const logs = () => readdirSync(join(dir.path, 'logs')).sort();
  const read = (name: string) => readFileSync(join(dir.path, 'logs', name), 'utf8');
  beforeEach(() => {
    const path = mkdtempSync(join(tmpdir(), 'plass-daily-log-'));
    dir = { path, remove: () => rmSync(path, { recursive: true, force: true }) };
  });
  afterEach(() => dir.remove());

  it('writes each line to the file of its UTC day, switching at midnight UTC', () => {
    const clock = clockAt('2030-03-01T23:59:59.999Z');
    const file = new DailyLogFile({ file: join(dir.path, 'logs', 'gateway.log'), retentionDays: 7, now: clock.now });
    try {
      file.write('{"n":1}\n');
      clock.advance(1);
      file.write('{"n":2}\n');

      expect(logs()).toEqual(['gateway.2030-03-01.log', 'gateway.2030-03-02.log']);
      expect(read('gateway.2030-03-01.log')).toBe('{"n":1}\n');
      expect(read('gateway.2030-03-02.log')).toBe('{"n":2}\n');
      expect(file.path).toBe(join(dir.path, 'logs', 'gateway.2030-03-02.log'));
    } finally {
      file.close();
    }
  });

  it('deletes its files older than the retention when it opens, and leaves other logs alone', () => {
    const logsDir = join(dir.path, 'logs');
    new DailyLogFile({ file: join(logsDir, 'seed.log'), retentionDays: 1, now: clockAt('2030-03-01T00:00:00Z').now }).close();
    for (const day of ['2030-03-10', '2030-03-11', '2030-03-12', '2030-03-13', '2030-03-19']) writeFileSync(join(logsDir, `booking.${day}.log`), 'old\n');
    writeFileSync(join(logsDir, 'gateway.2030-03-01.log'), 'another service\n');
    writeFileSync(join(logsDir, 'booking.notes.txt'), 'not a log\n');

    const file = new DailyLogFile({ file: join(logsDir, 'booking.log'), retentionDays: 7, now: clockAt('2030-03-19T08:00:00Z').now });
    file.close();

    // Kept: 03-13 … 03-19, seven days with today.
    expect(logs()).toEqual(['booking.2030-03-13.log', 'booking.2030-03-19.log', 'booking.notes.txt', 'gateway.2030-03-01.log', 'seed.2030-03-01.log']);
  });

  it('deletes an expired day at midnight with no line written (the timer’s tick)', () => {
    const clock = clockAt('2030-03-01T12:00:00Z');
    const file = new DailyLogFile({ file: join(dir.path, 'logs', 'identity.log'), retentionDays: 2, now: clock.now });
    try {
      file.write('day one\n');
      clock.advance(DAY_MS);
      file.tick();
      expect(logs()).toEqual(['identity.2030-03-01.log', 'identity.2030-03-02.log']);

      clock.advance(DAY_MS);
      file.tick();

      expect(logs()).toEqual(['identity.2030-03-02.log', 'identity.2030-03-03.log']);
    } finally {
      file.close();
    }
  });

  it('deletes the undated log of earlier releases once it was last written longer ago than the retention', () => {
    const logsDir = join(dir.path, 'logs');
    new DailyLogFile({ file: join(logsDir, 'seed.log'), retentionDays: 1, now: clockAt('2030-03-19T00:00:00Z').now }).close();
    const stale = join(logsDir, 'privacy.log');
    const recent = join(logsDir, 'booking.log');
    writeFileSync(stale, 'grew forever\n');
    writeFileSync(recent, 'written yesterday\n');
    utimesSync(stale, new Date('2030-03-11T00:00:00Z'), new Date('2030-03-11T00:00:00Z'));
    utimesSync(recent, new Date('2030-03-18T00:00:00Z'), new Date('2030-03-18T00:00:00Z'));
    const now = clockAt('2030-03-19T08:00:00Z').now;

    new DailyLogFile({ file: stale, retentionDays: 7, now }).close();
    new DailyLogFile({ file: recent, retentionDays: 7, now }).close();

    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });

  it('is what createLogger writes its file through: redacted lines, a file a day, PLASS_LOG_RETENTION_DAYS days kept', () => {
    const clock = clockAt('2030-03-01T09:00:00Z');
    const previous = process.env.PLASS_LOG_RETENTION_DAYS;
    process.env.PLASS_LOG_RETENTION_DAYS = '3';
    try {
      const logger = createLogger({ service: 'svc', file: join(dir.path, 'logs', 'svc.log'), now: clock.now, destination: { write: () => undefined } });
      for (let day = 0; day < 5; day++) {
        logger.info({ nested: { email: 'e@example.com' }, day }, 'hello');
        clock.advance(DAY_MS);
      }
      logger.info({ day: 5 }, 'hello');

      expect(logs()).toEqual(['svc.2030-03-04.log', 'svc.2030-03-05.log', 'svc.2030-03-06.log']);
      expect(JSON.parse(read('svc.2030-03-04.log'))).toMatchObject({ service: 'svc', msg: 'hello', day: 3, nested: { email: CENSOR } });
    } finally {
      if (previous === undefined) delete process.env.PLASS_LOG_RETENTION_DAYS;
      else process.env.PLASS_LOG_RETENTION_DAYS = previous;
    }
  });
});

describe('logRetentionDays', () => {
  it('defaults to 7 and takes whole days from 1 up', () => {
    expect(logRetentionDays(undefined)).toBe(7);
    expect(logRetentionDays('')).toBe(7);
    expect(logRetentionDays('30')).toBe(30);
    for (const bad of ['0', '-1', '1.5', 'a week'])
      expect(() => logRetentionDays(bad)).toThrow(`PLASS_LOG_RETENTION_DAYS must be a whole number of days, at least 1, got "${bad}"`);
  });
});
