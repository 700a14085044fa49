// One racer of sqlite-event-store.int.spec.ts: appends to a stream at the revision it last read
// until the stream holds `target` events, and reports which expected revisions it won.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { WrongExpectedRevisionError } from '../errors.js';
import { openSqliteEventStore } from '../sqlite-event-store.js';

const [file, streamId, target] = process.argv.slice(2) as [string, string, string];
const store = openSqliteEventStore({ file });
const won: number[] = [];
let conflicts = 0;

process.stdout.write('ready\n');
const stdin = createInterface({ input: process.stdin });
await new Promise((resolve) => stdin.once('line', resolve));
stdin.close();

for (;;) {
  const last = (await store.readStream(streamId)).length - 1;
  if (last + 1 >= Number(target)) break;
  try {
    const event = { id: randomUUID(), type: 'Raced', data: { pid: process.pid } };
    await store.appendToStream(streamId, [event], { expectedRevision: last < 0 ? 'no_stream' : last });
    won.push(last);
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    conflicts += 1;
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ won, conflicts })}\n`);
