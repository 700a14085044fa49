/**
 * Minimum group size with complementary suppression (ADR 0015), for one location and one time
 * bucket. Every published number of every grouping (location, floor, zone, kind, space) is a sum
 * over *atoms* — the spaces sharing one floor, zone and kind — and over spaces inside them.
 *
 * 1. An atom with 0 < d < k distinct bookings is suppressed; if the suppressed atoms together hold
 *    fewer than k, the smallest others join them until they hold at least k (or all are).
 * 2. A group is published only if it holds none of the suppressed atoms or all of them. Every
 *    published sum then sees the suppressed atoms only as their total, which holds ≥ k bookings:
 *    no combination of published numbers — within one answer or across groupings of the same
 *    period and granularity — isolates fewer than k bookings.
 * 3. Inside an atom that is published, spaces follow the same rule one level down: small spaces
 *    are suppressed with complements until their total is ≥ k, and every published group holds all
 *    of them or none (it holds whole atoms). Spaces of suppressed atoms are suppressed.
 *
 * A cell with no bookings is published: it describes nobody.
 */

export interface Counted {
  key: string;
  distinct: number;
}

/** The keys to suppress among `items`: those under `k`, plus the smallest others until the suppressed hold ≥ k. */
export function suppressWithComplements(items: readonly Counted[], k: number): Set<string> {
  const suppressed = new Set(items.filter((item) => item.distinct > 0 && item.distinct < k).map((item) => item.key));
  if (suppressed.size === 0) return suppressed;
  let held = items.filter((item) => suppressed.has(item.key)).reduce((sum, item) => sum + item.distinct, 0);
  const others = items.filter((item) => !suppressed.has(item.key) && item.distinct > 0).sort((a, b) => a.distinct - b.distinct || a.key.localeCompare(b.key));
  for (const other of others) {
    if (held >= k) break;
    suppressed.add(other.key);
    held += other.distinct;
  }
  return suppressed;
}

export interface SuppressionInput {
  k: number;
  /** Every space of the location with its atom (floor, zone, kind) and distinct bookings in the bucket. */
  spaces: ReadonlyArray<{ spaceId: string; atom: string; distinct: number }>;
}

export interface Suppression {
  /** Atoms whose spaces are all suppressed, and which no group may hold partly. */
  atoms: Set<string>;
  spaces: Set<string>;
  /** Whether a group made of these atoms may be published. */
  publishes(atomsOfGroup: ReadonlySet<string>, distinct: number): boolean;
}

export function suppress({ k, spaces }: SuppressionInput): Suppression {
  const byAtom = new Map<string, number>();
  for (const space of spaces) byAtom.set(space.atom, (byAtom.get(space.atom) ?? 0) + space.distinct);
  const atoms = suppressWithComplements(
    [...byAtom].map(([key, distinct]) => ({ key, distinct })),
    k,
  );
  const suppressedSpaces = new Set<string>();
  const spacesByAtom = new Map<string, Counted[]>();
  for (const space of spaces) {
    if (atoms.has(space.atom)) suppressedSpaces.add(space.spaceId);
    else spacesByAtom.set(space.atom, [...(spacesByAtom.get(space.atom) ?? []), { key: space.spaceId, distinct: space.distinct }]);
  }
  for (const members of spacesByAtom.values()) for (const spaceId of suppressWithComplements(members, k)) suppressedSpaces.add(spaceId);
  return {
    atoms,
    spaces: suppressedSpaces,
    publishes: (atomsOfGroup, distinct) => {
      if (distinct > 0 && distinct < k) return false;
      let held = 0;
      for (const atom of atoms) if (atomsOfGroup.has(atom)) held += 1;
      return held === 0 || held === atoms.size;
    },
  };
}
