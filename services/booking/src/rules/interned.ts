/** At most this many distinct values are kept; past it the table starts afresh. */
const MAX_VALUES = 50_000;
const table = new Map<string, string>();

/**
 * One string for equal values that the cached states repeat in entry after entry: a booking's
 * start and end (most fall on a few hours of a day) and its space. Every event read from the
 * store, or decrypted, brings its own copy; a heap snapshot of booking after a default benchmark
 * run held 88,000 timestamp strings with 36 distinct values and ~23 copies of each space id, about
 * an eighth of its heap and a fifth of the objects each major GC marks. Only memory changes: equal
 * strings are equal, whichever copy a state holds. Bounded, so a stream of distinct values (odd
 * minutes, many spaces) costs at most the table.
 */
export function interned(value: string): string {
  const known = table.get(value);
  if (known !== undefined) return known;
  if (table.size >= MAX_VALUES) table.clear();
  table.set(value, value);
  return value;
}
