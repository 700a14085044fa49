import type { z } from 'zod';

export const Contexts = ['booking', 'identity', 'privacy', 'notification', 'analytics'] as const;
export type Context = (typeof Contexts)[number];

export interface EventDefinition<T extends string = string, S extends z.ZodObject = z.ZodObject> {
  type: T;
  context: Context;
  schemaVersion: number;
  /** The plaintext shape; fields marked with pii() are EncryptedValue at rest. */
  data: S;
}

export const defineEvent = <T extends string, S extends z.ZodObject>(context: Context, type: T, data: S, schemaVersion = 1): EventDefinition<T, S> => ({
  type,
  context,
  schemaVersion,
  data,
});
