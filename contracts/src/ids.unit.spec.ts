import { validate, version } from 'uuid';
import { newId } from './ids.js';

describe('newId', () => {
  it('makes UUIDv7s, each distinct, sorting in the order they were made (within a millisecond too)', () => {
    // Far more than one refill of the random pool (256 ids), and many within one millisecond.
    const ids = Array.from({ length: 5_000 }, () => newId());
    expect(ids.every((id) => validate(id) && version(id) === 7)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('carries the time it was made in its leading 48 bits', () => {
    const before = Date.now();
    const id = newId();
    const msecs = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    // A burst in one millisecond may carry into the next (as uuid does), never back.
    expect(msecs).toBeGreaterThanOrEqual(before);
    expect(msecs).toBeLessThanOrEqual(Date.now() + 1);
  });
});
