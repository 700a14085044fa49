import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { countDocuments, type ProjectionStore } from '../projection-store.js';

export interface ProjectionStoreFixture {
  /** Opens a store on this fixture's storage; a second call reaches the same data. */
  open(): Promise<ProjectionStore>;
  /** Removes the storage (temp file, database). */
  dispose(): Promise<void>;
}

interface Counter {
  count: number;
}

/** The behaviour every ProjectionStore adapter shares. Each test gets fresh storage from `fixture`. */
export function projectionStoreContract(fixture: () => Promise<ProjectionStoreFixture>): void {
  let current: ProjectionStoreFixture;
  let store: ProjectionStore;
  const opened: ProjectionStore[] = [];

  beforeEach(async () => {
    current = await fixture();
    store = await current.open();
    opened.push(store);
  });

  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await current.dispose();
  });

  describe('documents', () => {
    it('puts, gets and deletes documents through apply', async () => {
      await store.apply('p', 'e1', (tx) => {
        tx.put('spaces', 's1', { name: 'Desk 1', floor: 2 });
        tx.put('spaces', 's2', { name: 'Desk 2', floor: 3 });
      });
      expect(await store.get('spaces', 's1')).toEqual({ name: 'Desk 1', floor: 2 });
      expect(await store.get('spaces', 'nope')).toBeUndefined();
      expect(await store.get('other', 's1')).toBeUndefined();

      await store.apply('p', 'e2', (tx) => tx.delete('spaces', 's1'));
      expect(await store.get('spaces', 's1')).toBeUndefined();
      expect(await store.get('spaces', 's2')).toEqual({ name: 'Desk 2', floor: 3 });
    });

    it('replaces a whole document on put and keeps only JSON', async () => {
      await store.apply('p', 'e1', (tx) => tx.put('c', 'x', { a: 1, b: { nested: [1, 'two'] } }));
      await store.apply('p', 'e2', (tx) => tx.put('c', 'x', { a: 2, gone: undefined }));
      expect(await store.get('c', 'x')).toEqual({ a: 2 });
    });

    it('reads its own writes and reads of other documents inside one apply', async () => {
      await store.apply('p', 'e1', (tx) => {
        tx.put('counters', 'a', { count: 2 });
        tx.put('counters', 'b', { count: 3 });
      });
      const seen: unknown[] = [];
      await store.apply('p', 'e2', (tx) => {
        const a = tx.get<Counter>('counters', 'a')!;
        const b = tx.get<Counter>('counters', 'b')!;
        tx.put('counters', 'sum', { count: a.count + b.count });
        seen.push(tx.get('counters', 'sum'));
        tx.delete('counters', 'a');
        seen.push(tx.get('counters', 'a'));
      });
      expect(seen).toEqual([{ count: 5 }, undefined]);
      expect(await store.get('counters', 'sum')).toEqual({ count: 5 });
      expect(await store.get('counters', 'a')).toBeUndefined();
    });

    it('accumulates read-modify-write updates across events', async () => {
      const increment = (eventId: string) =>
        store.apply('p', eventId, (tx) => {
          const counter = tx.get<Counter>('counters', 'c');
          tx.put('counters', 'c', { count: (counter?.count ?? 0) + 1 });
        });
      for (const id of ['e1', 'e2', 'e3']) await increment(id);
      expect(await store.get('counters', 'c')).toEqual({ count: 3 });
    });

    it('keeps data across close and reopen', async () => {
      await store.apply('p', 'e1', (tx) => tx.put('c', 'x', { kept: true }));
      await store.close();
      store = await current.open();
      opened.push(store);
      expect(await store.get('c', 'x')).toEqual({ kept: true });
      expect(await store.apply('p', 'e1', () => undefined)).toBe(false);
    });

    it('refuses a document holding _id and names that are not plain identifiers', async () => {
      await expect(store.apply('p', 'e1', (tx) => tx.put('c', 'x', { _id: 'y' }))).rejects.toThrow(/_id/);
      await expect(store.apply('p', 'e2', (tx) => tx.put('system.users', 'x', {}))).rejects.toThrow(RangeError);
      await expect(store.find('c', { $where: 'true' })).rejects.toThrow(RangeError);
      await expect(store.find('c', { 'a.b': 1 })).rejects.toThrow(RangeError);
    });
  });

  describe('find', () => {
    beforeEach(async () => {
      await store.apply('p', 'seed', (tx) => {
        tx.put('spaces', 'c', { kind: 'desk', floor: 2, active: true, name: 'C' });
        tx.put('spaces', 'a', { kind: 'desk', floor: 2, active: false, name: 'A' });
        tx.put('spaces', 'b', { kind: 'room', floor: 2, active: true, name: 'B' });
        tx.put('spaces', 'd', { kind: 'desk', floor: '2', active: 1, name: 'D' });
        tx.put('rooms', 'e', { kind: 'desk', floor: 2, active: true, name: 'E' });
      });
    });

    const names = (docs: { name: string }[]) => docs.map((d) => d.name);

    it('matches top-level equality on every given field, in id order', async () => {
      expect(names(await store.find('spaces', { kind: 'desk' }))).toEqual(['A', 'C', 'D']);
      expect(names(await store.find('spaces', { kind: 'desk', floor: 2 }))).toEqual(['A', 'C']);
      expect(names(await store.find('spaces', { kind: 'desk', active: true }))).toEqual(['C']);
      expect(names(await store.find('spaces', {}))).toEqual(['A', 'B', 'C', 'D']);
      expect(await store.find('spaces', { kind: 'parking' })).toEqual([]);
    });

    it('does not confuse a number with a string or a boolean', async () => {
      expect(names(await store.find('spaces', { floor: '2' }))).toEqual(['D']);
      expect(names(await store.find('spaces', { active: 1 }))).toEqual(['D']);
      expect(names(await store.find('spaces', { active: false }))).toEqual(['A']);
    });

    it('honours limit', async () => {
      expect(names(await store.find('spaces', { kind: 'desk' }, { limit: 2 }))).toEqual(['A', 'C']);
      await expect(store.find('spaces', {}, { limit: 0 })).rejects.toThrow(RangeError);
    });
    it('keeps the ids that start with idPrefix, and no neighbour of the range', async () => {
      await store.apply('p', 'owners', (tx) => {
        for (const id of ['o1|2', 'o1|1', 'o1', 'o1}', 'o10|1', 'o1|\u00e9', 'o2|1', 'o0|9']) tx.put('owned', id, { id, kind: id.startsWith('o1|1') ? 'x' : 'y' });
      });
      const ids = (docs: { id: string }[]) => docs.map((d) => d.id);
      expect(ids(await store.find('owned', {}, { idPrefix: 'o1|' }))).toEqual(['o1|1', 'o1|2', 'o1|\u00e9']);
      expect(ids(await store.find('owned', { kind: 'y' }, { idPrefix: 'o1|' }))).toEqual(['o1|2', 'o1|\u00e9']);
      expect(ids(await store.find('owned', {}, { idPrefix: 'o1|', limit: 1 }))).toEqual(['o1|1']);
      expect(await store.find('owned', {}, { idPrefix: 'o3|' })).toEqual([]);
      expect(await store.find('spaces', {}, { idPrefix: 'o1|' })).toEqual([]);
      await expect(store.find('owned', {}, { idPrefix: '' })).rejects.toThrow(RangeError);
    });
  });

  describe('idempotency', () => {
    it('applies an event id once per projection and does not call fn again', async () => {
      let calls = 0;
      const fn = () => {
        calls += 1;
      };
      expect(await store.apply('p', 'e1', (tx) => (fn(), tx.put('c', 'x', { calls })))).toBe(true);
      expect(await store.apply('p', 'e1', (tx) => (fn(), tx.put('c', 'x', { calls })))).toBe(false);
      expect(calls).toBe(1);
      expect(await store.get('c', 'x')).toEqual({ calls: 1 });
    });
  });

  describe('atomicity', () => {
    it('stores nothing and leaves the event unmarked when fn throws', async () => {
      await store.apply('p', 'e0', (tx) => tx.put('c', 'kept', { v: 0 }));
      await expect(
        store.apply('p', 'e1', (tx) => {
          tx.put('c', 'x', { v: 1 });
          tx.put('c', 'kept', { v: 1 });
          tx.delete('c', 'kept');
          throw new Error('handler bug');
        }),
      ).rejects.toThrow('handler bug');
      expect(await store.get('c', 'x')).toBeUndefined();
      expect(await store.get('c', 'kept')).toEqual({ v: 0 });
      expect(await store.apply('p', 'e1', (tx) => tx.put('c', 'x', { v: 2 }))).toBe(true);
      expect(await store.get('c', 'x')).toEqual({ v: 2 });
    });

    it('refuses an asynchronous fn, stores nothing, and closes its tx', async () => {
      let lateUse: unknown;
      let resume!: () => void;
      const resumed = new Promise<void>((resolve) => (resume = resolve));
      const asyncFn = async (tx: Parameters<Parameters<ProjectionStore['apply']>[2]>[0]) => {
        tx.put('c', 'early', { v: 1 });
        await resumed;
        try {
          tx.put('c', 'late', { v: 1 });
        } catch (error) {
          lateUse = error;
        }
      };
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- an async fn on purpose: the store must refuse it
      await expect(store.apply('p', 'e1', asyncFn)).rejects.toThrow(/synchronous/);
      resume();
      await resumed;
      await Promise.resolve();
      expect(lateUse).toBeInstanceOf(Error);
      expect(await store.get('c', 'early')).toBeUndefined();
      expect(await store.get('c', 'late')).toBeUndefined();
      expect(await store.apply('p', 'e1', () => undefined)).toBe(true);
    });
  });

  describe('reset and isolation', () => {
    it('keeps processed ids apart per projection', async () => {
      expect(await store.apply('a', 'e1', (tx) => tx.put('ca', 'x', { by: 'a' }))).toBe(true);
      expect(await store.apply('b', 'e1', (tx) => tx.put('cb', 'x', { by: 'b' }))).toBe(true);
      expect(await store.apply('a', 'e1', () => undefined)).toBe(false);
      expect(await store.apply('b', 'e1', () => undefined)).toBe(false);
    });

    it("empties the given collections and forgets only that projection's processed ids", async () => {
      await store.apply('a', 'e1', (tx) => {
        tx.put('ca', 'x', { v: 1 });
        tx.put('ca2', 'y', { v: 1 });
      });
      await store.apply('b', 'e1', (tx) => tx.put('cb', 'x', { v: 1 }));

      await store.reset('a', ['ca', 'ca2']);

      expect(await store.get('ca', 'x')).toBeUndefined();
      expect(await store.find('ca2', {})).toEqual([]);
      expect(await store.get('cb', 'x')).toEqual({ v: 1 });
      expect(await store.apply('a', 'e1', (tx) => tx.put('ca', 'x', { v: 2 }))).toBe(true);
      expect(await store.apply('b', 'e1', () => undefined)).toBe(false);
      expect(await store.get('ca', 'x')).toEqual({ v: 2 });
    });
  });

  describe('bulk reads and loads', () => {
    it('reads several documents by id in one call, in the order asked, undefined where none', async () => {
      await store.apply('p', 'e1', (tx) => {
        tx.put('c', 'a', { v: 1 });
        tx.put('c', 'b', { v: 2 });
        tx.put('other', 'a', { v: 3 });
      });
      expect(await store.getMany!('c', ['b', 'missing', 'a'])).toEqual([{ v: 2 }, undefined, { v: 1 }]);
      expect(await store.getMany!('c', [])).toEqual([]);
    });

    it('counts the documents a find would answer, without reading them', async () => {
      await store.apply('p', 'e1', (tx) => {
        tx.put('c', 'a', { v: 1, due: true });
        tx.put('c', 'b', { v: 2, due: false });
        tx.put('c', 'c', { v: 3, due: true });
        tx.put('other', 'a', { v: 1, due: true });
      });
      expect(await store.count!('c', {})).toBe(3);
      expect(await store.count!('c', { due: true })).toBe(2);
      expect(await store.count!('c', { due: true, v: 3 })).toBe(1);
      expect(await store.count!('missing', {})).toBe(0);
      expect(await countDocuments(store, 'c', { due: false })).toBe(1);
    });

    it('loads a rebuilt projection at once: its documents, and its event ids as processed', async () => {
      await store.reset('p', ['c']);
      await store.load!(
        'p',
        [
          { collection: 'c', id: 'a', doc: { v: 1 } },
          { collection: 'c', id: 'b', doc: { v: 2 } },
        ],
        ['e1', 'e2'],
      );
      expect(await store.find('c', {})).toEqual([{ v: 1 }, { v: 2 }]);
      expect(await store.apply('p', 'e2', () => undefined)).toBe(false);
      expect(await store.apply('p', 'e3', (tx) => tx.put('c', 'a', { v: 9 }))).toBe(true);
      expect(await store.get('c', 'a')).toEqual({ v: 9 });
    });
  });
}
