import { describe, expect, it } from '@jest/globals';
import { runBuffered } from './buffered-tx.js';
import type { ProjectionTx } from './projection-store.js';

function storeOf(docs: Record<string, object>) {
  const loads: string[] = [];
  const load = async (collection: string, id: string) => {
    loads.push(`${collection}/${id}`);
    const doc = docs[`${collection}/${id}`];
    return doc ? JSON.stringify(doc) : null;
  };
  return { load, loads };
}

describe('runBuffered', () => {
  it('loads each read once, re-running the function until it completes, and returns its writes', async () => {
    const { load, loads } = storeOf({ 'c/a': { n: 2 }, 'c/b': { n: 3 } });
    let runs = 0;
    const writes = await runBuffered((tx) => {
      runs += 1;
      const a = tx.get<{ n: number }>('c', 'a')!;
      const missing = tx.get('c', 'missing');
      const b = tx.get<{ n: number }>('c', 'b')!;
      tx.put('c', 'sum', { n: a.n + b.n, missing: missing ?? null });
      tx.delete('c', 'a');
    }, load);
    expect(loads).toEqual(['c/a', 'c/missing', 'c/b']);
    expect(runs).toBe(4);
    expect(writes).toEqual([
      { collection: 'c', id: 'sum', json: JSON.stringify({ n: 5, missing: null }) },
      { collection: 'c', id: 'a', json: null },
    ]);
  });

  it('serves reads of its own writes without loading', async () => {
    const { load, loads } = storeOf({});
    const writes = await runBuffered((tx) => {
      tx.put('c', 'x', { v: 1 });
      const x = tx.get<{ v: number }>('c', 'x')!;
      x.v = 99;
      tx.put('c', 'y', { seen: tx.get<{ v: number }>('c', 'x')!.v });
    }, load);
    expect(loads).toEqual([]);
    expect(writes.map((w) => w.json)).toEqual(['{"v":1}', '{"seen":1}']);
  });

  it('discards a run whose function swallowed the read signal', async () => {
    const { load } = storeOf({ 'c/a': { n: 1 } });
    const writes = await runBuffered((tx: ProjectionTx) => {
      let a: { n: number } | undefined;
      try {
        a = tx.get('c', 'a');
      } catch {
        a = undefined;
      }
      tx.put('c', 'out', { found: a !== undefined });
    }, load);
    expect(writes).toEqual([{ collection: 'c', id: 'out', json: '{"found":true}' }]);
  });

  it('rethrows what the function throws once its reads are loaded, returning no writes', async () => {
    const { load } = storeOf({});
    await expect(
      runBuffered((tx) => {
        tx.put('c', 'x', {});
        if (tx.get('c', 'a') === undefined) throw new Error('space.not_found');
      }, load),
    ).rejects.toThrow('space.not_found');
  });

  it('refuses an async function and closes the tx it was given', async () => {
    const { load } = storeOf({});
    let captured: ProjectionTx | undefined;
    await expect(
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- an async function on purpose: runBuffered must refuse it
      runBuffered(async (tx) => {
        captured = tx;
      }, load),
    ).rejects.toThrow(/synchronous/);
    expect(() => captured!.put('c', 'x', {})).toThrow(/after its transaction ended/);
  });
});
