import { createHash, timingSafeEqual } from 'node:crypto';

/** Shorter secrets are refused at start-up: this one creates tenants. */
export const MIN_OPERATOR_TOKEN_LENGTH = 32;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The platform operator's static bearer token (PLASS_OPERATOR_TOKEN). Compared as SHA-256 digests
 * with `timingSafeEqual`, so neither its length nor a matching prefix shows in the answer time.
 */
export class OperatorToken {
  private readonly expected: Buffer;

  constructor(token: string) {
    if (token.length < MIN_OPERATOR_TOKEN_LENGTH) {
      throw new Error(`the operator token must be at least ${MIN_OPERATOR_TOKEN_LENGTH} characters long`);
    }
    this.expected = digest(token);
  }

  matches(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.expected);
  }
}
