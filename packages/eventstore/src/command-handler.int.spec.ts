import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@plass/testing';
import { handleCommand } from './command-handler.js';
import type { RecordedEvent } from './event-store.js';
import { openSqliteEventStore, type SqliteEventStore } from './sqlite-event-store.js';

const count = (events: RecordedEvent[]) => events.length;
const increment = (seen: number) => ({ events: [{ id: randomUUID(), type: 'Incremented', data: { after: seen + 1 } }], result: seen + 1 });

describe('handleCommand', () => {
  let dir: TempDir;
  let stores: SqliteEventStore[];

  beforeEach(() => {
    dir = tempDir();
    const file = join(dir.path, 'events.db');
    stores = [openSqliteEventStore({ file }), openSqliteEventStore({ file })];
  });

  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    dir.remove();
  });

  it('retries on fresh state when a concurrent writer got there first', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => handleCommand(stores[i % 2]!, 'counter-1', count, increment, { retries: 10 })));
    expect(results.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const events = await stores[0]!.readStream('counter-1');
    expect(events.map((event) => (event.data as { after: number }).after)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('surfaces the conflict once retries are used up', async () => {
    let raced = false;
    const racing = async (seen: number) => {
      if (!raced) {
        raced = true;
        await stores[1]!.appendToStream('counter-2', [{ id: randomUUID(), type: 'Incremented', data: {} }]);
      }
      return increment(seen);
    };
    await expect(handleCommand(stores[0]!, 'counter-2', count, racing, { retries: 0 })).rejects.toMatchObject({
      error: { code: 'concurrency.conflict' },
    });
  });

  it('appends nothing when the decision has no events', async () => {
    await expect(handleCommand(stores[0]!, 'counter-3', count, () => ({ events: [], result: 'noop' }))).resolves.toBe('noop');
    expect(await stores[0]!.readStream('counter-3')).toEqual([]);
  });
});
