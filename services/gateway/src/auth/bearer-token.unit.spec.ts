import { describe, expect, it } from '@jest/globals';
import { bearerTokenOf } from './bearer-token.js';

describe('bearerTokenOf', () => {
  it('reads the token of a Bearer header, the scheme in any case', () => {
    expect(bearerTokenOf('Bearer abc.DEF-_~+/.x==')).toEqual({ kind: 'token', token: 'abc.DEF-_~+/.x==' });
    expect(bearerTokenOf('bearer a.b.c')).toEqual({ kind: 'token', token: 'a.b.c' });
  });

  it('tells a missing header from a malformed one', () => {
    expect(bearerTokenOf(undefined)).toEqual({ kind: 'missing' });
    expect(bearerTokenOf('')).toEqual({ kind: 'missing' });
    for (const header of ['Bearer', 'Bearer ', 'Basic YWJj', 'Bearer a b', 'Bearer a,b', 'Bearer\ta.b.c', `Bearer ${'a'.repeat(5000)}`]) {
      expect(bearerTokenOf(header)).toEqual({ kind: 'malformed' });
    }
    expect(bearerTokenOf(['Bearer a', 'Bearer b'])).toEqual({ kind: 'malformed' });
  });
});
