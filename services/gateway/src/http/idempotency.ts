import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { addStreamIfMissing, readLastOfSubject, safeJson, writeIfLast, type Bus } from '@plass/bus';
import { Streams } from '@plass/contracts';
import { z } from 'zod';
import { HttpProblem } from './problem.js';
import type { RouteAnswer } from './route-handlers.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Visible ASCII, as the IETF draft's examples use (UUIDs, random tokens). */
const KEY = /^[\x21-\x7e]{1,255}$/;
const SUBJECT_PREFIX = 'idem';

/** An answer as it is given again: what `RouteAnswer` holds, with the status settled. */
export interface StoredAnswer extends RouteAnswer {
  status: number;
}

const IdempotencyRecord = z.discriminatedUnion('state', [
  /** A first attempt is running; past `until` its replica is taken for gone and a duplicate runs it again. */
  z.object({ state: z.literal('pending'), fingerprint: z.string(), until: z.number() }),
  z.object({ state: z.literal('done'), fingerprint: z.string(), sealed: z.string() }),
]);
type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;

const StoredAnswerShape = z.object({
  status: z.number().int(),
  body: z.unknown().optional(),
  location: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  contentType: z.string().optional(),
});

/** Creates PLASS_IDEMPOTENCY when missing: one message per key, dropped after 24 h. */
export async function ensureIdempotencyStore(bus: Bus, options: { replicas?: number } = {}): Promise<void> {
  await addStreamIfMissing(bus, {
    name: Streams.idempotency,
    subjects: [`${SUBJECT_PREFIX}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs_per_subject: 1,
    max_age: nanos(IDEMPOTENCY_TTL_MS),
    num_replicas: options.replicas ?? 1,
  });
}

/** What one key names, derived from the key itself: nothing about it is stored but hashes. */
export interface IdempotentRequest {
  /** The record's subject: a hash of scope and key. */
  subject: string;
  /** The id a create under this key gives its resource, the same on every retry. */
  resourceId: string;
  /** Seals the stored answer: without the client's key the record cannot be read. */
  sealKey: Buffer;
  fingerprint: string;
}

/** `Idempotency-Key`, when the request has one; a malformed one is 400. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers[IDEMPOTENCY_HEADER];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw new HttpProblem('validation.failed', { errors: [{ path: `headers.${IDEMPOTENCY_HEADER}`, message: 'must be 1–255 visible ASCII characters' }] });
  }
  return value;
}

const sha256 = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest();

/**
 * `scope` keeps callers apart (tenant, actor, route): another caller's equal key is another record.
 * `input` is the parsed request: the same key with another input is `idempotency.key_reused`.
 */
export function idempotentRequest(scope: string, key: string, input: unknown): IdempotentRequest {
  const material = sha256('plass-idempotency/v1', scope, key);
  const id = createHash('sha256').update(material).update('resource').digest();
  // RFC 9562 version 8 (custom): a uuid every contract accepts.
  id[6] = (id[6]! & 0x0f) | 0x80;
  id[8] = (id[8]! & 0x3f) | 0x80;
  const hex = id.subarray(0, 16).toString('hex');
  return {
    subject: `${SUBJECT_PREFIX}.${createHash('sha256').update(material).update('record').digest('base64url')}`,
    resourceId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    sealKey: Buffer.from(hkdfSync('sha256', material, 'plass-idempotency', 'answer/v1', 32)),
    // Keyed by the client's key: a body's hash cannot be checked against guesses without it.
    fingerprint: createHmac('sha256', material)
      .update(JSON.stringify(input) ?? '')
      .digest('base64url'),
  };
}

function seal(answer: StoredAnswer, key: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

function unseal(sealed: string, key: Buffer, aad: string): StoredAnswer {
  const bytes = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12)).setAAD(Buffer.from(aad));
  decipher.setAuthTag(bytes.subarray(12, 28));
  const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  return StoredAnswerShape.parse(JSON.parse(plain));
}

export interface IdempotencyOptions {
  now: () => number;
  /** How long a first attempt holds its key before a duplicate may take it over. Default 30 s (above the bus's request timeout). */
  holdMs?: number;
  /** How often a waiting duplicate looks again. Default 50 ms. */
  pollMs?: number;
}

/**
 * `Idempotency-Key` on the POSTs that create: records in PLASS_IDEMPOTENCY, shared by every gateway
 * replica and kept over restarts. A first attempt marks its key pending (compare-and-set, so of two
 * concurrent duplicates one runs and the other waits), and stores a successful answer sealed under
 * a key only the client's Idempotency-Key derives. A failed attempt frees its key, so a retry runs
 * again; the create carries `resourceId`, so a retry after a service died between its append and
 * its reply finds its own resource instead of a conflict (ADR 0013).
 */
export class Idempotency {
  private readonly holdMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly bus: Bus,
    private readonly options: IdempotencyOptions,
  ) {
    this.holdMs = options.holdMs ?? 30_000;
    this.pollMs = options.pollMs ?? 50;
  }

  async run(request: IdempotentRequest, execute: () => Promise<StoredAnswer>): Promise<{ answer: StoredAnswer; replayed: boolean }> {
    for (;;) {
      const { seq, record } = await this.read(request.subject);
      const now = this.options.now();
      if (record && record.fingerprint !== request.fingerprint) throw new HttpProblem('idempotency.key_reused');
      if (record?.state === 'done') return { answer: unseal(record.sealed, request.sealKey, request.subject), replayed: true };
      if (record?.state === 'pending' && record.until > now) {
        await delay(this.pollMs);
        continue;
      }
      const pending = await this.write(request.subject, { state: 'pending', fingerprint: request.fingerprint, until: now + this.holdMs }, seq);
      if (pending === undefined) continue;
      let answer: StoredAnswer;
      try {
        answer = await execute();
      } catch (error) {
        await this.write(request.subject, { state: 'pending', fingerprint: request.fingerprint, until: 0 }, pending).catch(() => undefined);
        throw error;
      }
      await this.write(request.subject, { state: 'done', fingerprint: request.fingerprint, sealed: seal(answer, request.sealKey, request.subject) }, pending);
      return { answer, replayed: false };
    }
  }

  private async read(subject: string): Promise<{ seq: number; record: IdempotencyRecord | undefined }> {
    const { seq, data } = await readLastOfSubject(this.bus, Streams.idempotency, subject);
    const parsed = data === undefined ? undefined : IdempotencyRecord.safeParse(safeJson(data));
    return { seq, record: parsed?.success ? parsed.data : undefined };
  }

  private write(subject: string, record: IdempotencyRecord, lastSeq: number): Promise<number | undefined> {
    return writeIfLast(this.bus, subject, new TextEncoder().encode(JSON.stringify(record)), lastSeq);
  }
}
