import { z } from 'zod';
import { DomainError } from '../errors.js';

/** A typed NATS request/reply: the subject and both shapes, validated on both sides. */
export interface RequestContract<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  subject: string;
  request: Req;
  response: Res;
}

export const defineRequest = <Req extends z.ZodType, Res extends z.ZodType>(subject: string, request: Req, response: Res): RequestContract<Req, Res> => ({
  subject,
  request,
  response,
});

/** A fire-and-forget core NATS message (not persisted): cache invalidations and the like. */
export interface BroadcastContract<M extends z.ZodType = z.ZodType> {
  subject: string;
  message: M;
}
export const defineBroadcast = <M extends z.ZodType>(subject: string, message: M): BroadcastContract<M> => ({
  subject,
  message,
});

export type Reply<T> = { ok: true; value: T } | { ok: false; error: DomainError };
export const Reply = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: DomainError })]);

export type RequestOf<C extends RequestContract> = z.infer<C['request']>;
export type ResponseOf<C extends RequestContract> = z.infer<C['response']>;
