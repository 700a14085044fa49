import { describe, expect, it } from '@jest/globals';
import { Keyed } from './keyed.js';

const contents = <T>(keyed: Keyed<T>) => keyed.entries();

describe('Keyed', () => {
  it('adds, reads, replaces in place and removes by id, in the order ids were first added', () => {
    const abc = Keyed.empty<number>().set('a', 1).set('b', 2).set('c', 3);
    expect(contents(abc)).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect([abc.get('b'), abc.has('b'), abc.get('z'), abc.has('z'), abc.size]).toEqual([2, true, undefined, false, 3]);

    expect(contents(abc.set('b', 20))).toEqual([
      ['a', 1],
      ['b', 20],
      ['c', 3],
    ]);
    expect(contents(abc.remove('a'))).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
    expect(abc.remove('z')).toBe(abc);
    expect(abc.values()).toEqual([1, 2, 3]);
    expect(abc.toJSON()).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('never changes a version: those before an add, a replace, a remove or a fork read as they did', () => {
    const base = Keyed.empty<string>().set('a', 'A');
    const grown = base.set('b', 'B');
    const replaced = grown.set('a', 'A2');
    const removed = grown.remove('b');
    // `base` was added to already: adding to it again forks instead of overwriting `grown`'s entry.
    const forked = base.set('c', 'C');
    const further = grown.set('d', 'D');

    expect(contents(base)).toEqual([['a', 'A']]);
    expect(contents(grown)).toEqual([
      ['a', 'A'],
      ['b', 'B'],
    ]);
    expect(contents(replaced)).toEqual([
      ['a', 'A2'],
      ['b', 'B'],
    ]);
    expect(contents(removed)).toEqual([['a', 'A']]);
    expect(contents(forked)).toEqual([
      ['a', 'A'],
      ['c', 'C'],
    ]);
    expect(contents(further)).toEqual([
      ['a', 'A'],
      ['b', 'B'],
      ['d', 'D'],
    ]);
    // An id another version added later is not in the earlier one.
    expect([base.has('b'), base.get('d'), forked.has('d'), removed.has('b')]).toEqual([false, undefined, false, false]);
  });

  it('re-adds a removed id at the end, and builds from entries with later ones replacing earlier ones', () => {
    expect(contents(Keyed.empty<number>().set('a', 1).set('b', 2).remove('a').set('a', 3))).toEqual([
      ['b', 2],
      ['a', 3],
    ]);
    expect(
      contents(
        Keyed.from([
          ['x', 1],
          ['y', 2],
          ['x', 3],
        ]),
      ),
    ).toEqual([
      ['x', 3],
      ['y', 2],
    ]);
  });
});
