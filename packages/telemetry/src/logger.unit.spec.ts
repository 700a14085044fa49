import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { DomainFailure, domainError } from '@plass/contracts';
import { CENSOR, createLogger, REDACT_DEPTH, shortenAddress } from './logger.js';
import { personalFieldNames } from './personal-field-names.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { destination, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** `{a: {a: ... {[name]: value}}}` with `depth` objects above the field. */
function nestedAt(depth: number, name: string, value: string): Record<string, unknown> {
  let object: Record<string, unknown> = { [name]: value };
  for (let i = 0; i < depth; i++) object = { a: object };
  return object;
}

describe('createLogger', () => {
  it('knows the contract-marked personal fields and the fixed list', () => {
    const names = personalFieldNames();
    expect(names).toEqual(expect.arrayContaining(['bookedBy', 'subject', 'email', 'displayName', 'password', 'token']));
  });

  it('redacts every personal field name at every depth down to REDACT_DEPTH', () => {
    const { destination, lines } = capture();
    const logger = createLogger({ service: 'test', destination });
    const secrets: string[] = [];
    for (const name of personalFieldNames()) {
      for (let depth = 0; depth <= REDACT_DEPTH; depth++) {
        const secret = `secret-${name}-${depth}`;
        secrets.push(secret);
        logger.info(nestedAt(depth, name, secret), 'line');
      }
    }
    expect(lines).toHaveLength(secrets.length);
    const output = lines.join('\n');
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).toContain(CENSOR);
  });

  it('redacts inside arrays, child bindings and request headers', () => {
    const { destination, lines, records } = capture();
    const logger = createLogger({ service: 'test', destination }).child({ user: { email: 'child@example.com' } });
    logger.info(
      {
        attendees: [{ email: 'a@example.com', displayName: 'Ada Lovelace' }],
        req: { headers: { authorization: 'Bearer eyJhbGciOi', cookie: 'sid=abc' } },
        event: { data: { bookedBy: 'f3a1c6de-0000-4000-8000-000000000001', subject: 'Meet Ada' } },
        eventId: 'kept-event-id',
      },
      'booking handled',
    );
    const output = lines.join('\n');
    for (const plain of ['child@example.com', 'a@example.com', 'Ada Lovelace', 'eyJhbGciOi', 'sid=abc', 'f3a1c6de', 'Meet Ada']) {
      expect(output).not.toContain(plain);
    }
    const [record] = records();
    expect(record).toMatchObject({ service: 'test', eventId: 'kept-event-id', msg: 'booking handled' });
    expect(record?.event).toEqual({ data: { bookedBy: CENSOR, subject: CENSOR } });
  });

  it('drops error details and inputs, keeping code and message', () => {
    const { destination, lines, records } = capture();
    const logger = createLogger({ service: 'test', destination });
    const failure = new DomainFailure(domainError('validation.failed', 'bad body', { body: { name: 'Grace Hopper' } }));
    logger.error({ err: failure }, 'command failed');
    logger.warn({ error: domainError('booking.conflict', 'taken', { input: 'Grace Hopper' }) }, 'refused');
    expect(lines.join('\n')).not.toContain('Grace Hopper');
    const [first, second] = records();
    expect(first?.err).toMatchObject({ type: 'DomainFailure', message: 'validation.failed: bad body', error: { code: 'validation.failed' } });
    expect(second?.error).toEqual({ code: 'booking.conflict', message: 'taken' });
  });

  it('keeps client addresses only shortened: IPv4 to its /24, IPv6 to its /48, anything else censored', () => {
    const { destination, lines, records } = capture();
    const logger = createLogger({ service: 'gateway', destination });
    logger.info({ ip: '203.0.113.57', req: { remoteAddress: '::ffff:198.51.100.23' }, ips: ['2001:db8:85a3:8d3:1319:8a2e:370:7348', 'fe80::1%eth0'] }, 'login refused');
    logger.info({ a: { b: { clientAddress: '2001:0db8:0001::42' } }, clientIp: 'not an address' }, 'throttled');

    const output = lines.join('\n');
    for (const full of ['203.0.113.57', '198.51.100.23', '8d3', '1319', 'fe80::1', '::42', 'not an address']) expect(output).not.toContain(full);
    expect(records()[0]).toMatchObject({ ip: '203.0.113.0', req: { remoteAddress: '198.51.100.0' }, ips: ['2001:db8:85a3::/48', 'fe80:0:0::/48'] });
    expect(records()[1]).toMatchObject({ a: { b: { clientAddress: '2001:db8:1::/48' } }, clientIp: CENSOR });
    expect(shortenAddress('::1')).toBe('0:0:0::/48');
    expect(shortenAddress(42)).toBe(CENSOR);
  });

  it('also writes redacted JSON lines to a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plass-logs-'));
    try {
      const file = join(dir, 'logs', 'svc.log');
      const { destination } = capture();
      createLogger({ service: 'svc', destination, file, now: () => new Date('2030-03-01T12:00:00Z') }).info({ nested: { email: 'e@example.com' } }, 'hello');
      const [line] = readFileSync(join(dir, 'logs', 'svc.2030-03-01.log'), 'utf8')
        .trim()
        .split('\n');
      expect(JSON.parse(line!)).toMatchObject({ service: 'svc', msg: 'hello', nested: { email: CENSOR } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
