/** Entries of a `Keyed`, shared by every version that adds to it: positions below a version's size never change. */
interface Log<T> {
  ids: string[];
  values: T[];
  at: Map<string, number>;
}

/**
 * An immutable collection of values by id, in the order they were added. Adding an id shares
 * every earlier entry with the version it was added to instead of copying them: a folded stream
 * state kept between commands (a person's ledger, a space's schedule) moves on by one entry per
 * booking, not by a copy of all of them that the garbage collector then has to promote and drop.
 * Replacing or removing an id copies (O(n)); so does adding to a version another version has
 * already added to (a fork).
 */
export class Keyed<T> {
  private constructor(
    private readonly log: Log<T>,
    /** How many entries of the log this version holds. */
    readonly size: number,
  ) {}

  static empty<T>(): Keyed<T> {
    return new Keyed<T>({ ids: [], values: [], at: new Map() }, 0);
  }

  /** Later entries of an id replace earlier ones, in the earlier one's place. */
  static from<T>(entries: Iterable<readonly [string, T]>): Keyed<T> {
    const log: Log<T> = { ids: [], values: [], at: new Map() };
    for (const [id, value] of entries) {
      const found = log.at.get(id);
      if (found === undefined) Keyed.push(log, id, value);
      else log.values[found] = value;
    }
    return new Keyed(log, log.ids.length);
  }

  get(id: string): T | undefined {
    const found = this.log.at.get(id);
    return found !== undefined && found < this.size ? this.log.values[found] : undefined;
  }

  has(id: string): boolean {
    const found = this.log.at.get(id);
    return found !== undefined && found < this.size;
  }

  values(): T[] {
    return this.log.values.slice(0, this.size);
  }

  entries(): Array<[string, T]> {
    return this.log.ids.slice(0, this.size).map((id, i) => [id, this.log.values[i]!]);
  }

  /** This collection with `value` under `id`: added at the end, or in place of the id's value. */
  set(id: string, value: T): Keyed<T> {
    if (this.has(id)) return Keyed.from(this.entries().map(([key, old]) => [key, key === id ? value : old] as const));
    if (this.size === this.log.ids.length) {
      Keyed.push(this.log, id, value);
      return new Keyed(this.log, this.size + 1);
    }
    return Keyed.from([...this.entries(), [id, value] as const]);
  }

  /** This collection without `id` (itself when the id is not there). */
  remove(id: string): Keyed<T> {
    return this.has(id) ? Keyed.from(this.entries().filter(([key]) => key !== id)) : this;
  }

  /** Equal by content: tests compare states, not how they share their entries. */
  toJSON(): Record<string, T> {
    return Object.fromEntries(this.entries());
  }

  private static push<T>(log: Log<T>, id: string, value: T): void {
    log.at.set(id, log.ids.length);
    log.ids.push(id);
    log.values.push(value);
  }
}
