import type { Context } from '@plass/contracts';

export const CONTEXT: Context = 'identity';
