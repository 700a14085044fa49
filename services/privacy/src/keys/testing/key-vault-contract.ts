import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KeyScope } from '@plass/contracts';
import type { KeyStore } from '../key-store.js';
import { KeyVault, type KeyOrErased, type KeyVaultOptions } from '../key-vault.js';

export interface KeyStoreFixture {
  /** Opens a store on this fixture's storage; a second call reaches the same data. */
  open(): Promise<KeyStore>;
  /** Removes the storage (temp dir, database). */
  dispose(): Promise<void>;
}

export const keyOf = (answer: KeyOrErased | undefined) => {
  if (!answer || 'erased' in answer) throw new Error('expected a key');
  return answer;
};

/** The vault behaviour every KeyStore adapter must give. Each test gets fresh storage from `fixture`. */
export function keyVaultContract(fixture: () => Promise<KeyStoreFixture>): void {
  let current: KeyStoreFixture;
  const opened: KeyStore[] = [];
  const masterKey = randomBytes(32);
  const tenantId = randomUUID();

  async function openVault(options: Partial<KeyVaultOptions> = {}): Promise<KeyVault> {
    const store = await current.open();
    opened.push(store);
    return new KeyVault(store, { masterKey, ...options });
  }

  const mint = async (vault: KeyVault, scopes: KeyScope[], tenant = tenantId) => (await vault.getOrCreateKeys(tenant, scopes)).map(keyOf);

  beforeEach(async () => {
    current = await fixture();
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await current.dispose();
  });

  describe('minting and reading', () => {
    it('mints a random kid and a 32-byte key once per scope', async () => {
      const vault = await openVault();
      const subjectId = randomUUID();
      const [profile, again, booking, day] = await vault.getOrCreateKeys(tenantId, [
        { subjectId, purpose: 'profile' },
        { subjectId, purpose: 'profile' },
        { subjectId, purpose: 'booking' },
        { subjectId, purpose: 'booking', period: '2030-03-10' },
      ]);

      expect(keyOf(profile).kid).toMatch(/^k_[A-Za-z0-9_-]{22}$/);
      expect(keyOf(profile).key).toHaveLength(32);
      expect(again).toEqual(profile);
      expect(new Set([profile, booking, day].map((k) => keyOf(k).kid)).size).toBe(3);

      const [later] = await (await openVault()).getOrCreateKeys(tenantId, [{ subjectId, purpose: 'profile' }]);
      expect(later).toEqual(profile);
    });

    it('returns one key to concurrent creators of the same scope, across connections', async () => {
      const [a, b] = [await openVault(), await openVault()];
      const scope = { subjectId: randomUUID(), purpose: 'booking' as const, period: '2030-04-01' };

      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getOrCreateKeys(tenantId, [scope])));

      const keys = answers.map(([k]) => keyOf(k));
      expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
      expect(new Set(keys.map((k) => k.key.toString('hex'))).size).toBe(1);
      expect(await a.getKeys(tenantId, [keys[0]!.kid])).toEqual([keys[0]]);
    });

    it('reads keys only with a master key that wrapped them', async () => {
      const subjectId = randomUUID();
      const [minted] = await mint(await openVault(), [{ subjectId, purpose: 'profile' }]);
      const { kid, key } = minted!;

      expect(await (await openVault()).getKeys(tenantId, [kid])).toEqual([{ kid, key }]);
      await expect((await openVault({ masterKey: randomBytes(32) })).getKeys(tenantId, [kid])).rejects.toThrow(/does not hold/);
      await expect((await openVault({ masterKey: randomBytes(32) })).ready()).rejects.toThrow(/does not hold/);
    });

    it('isolates tenants: a kid of another tenant reads as null', async () => {
      const vault = await openVault();
      const otherTenant = randomUUID();
      const subjectId = randomUUID();
      const [mine] = await mint(vault, [{ subjectId, purpose: 'profile' }]);
      const [theirs] = await mint(vault, [{ subjectId, purpose: 'profile' }], otherTenant);

      expect(theirs!.kid).not.toBe(mine!.kid);
      expect(theirs!.key.equals(mine!.key)).toBe(false);
      expect(await vault.getKeys(otherTenant, [mine!.kid, theirs!.kid, 'k_unknown'])).toEqual([
        { kid: mine!.kid, key: null },
        { kid: theirs!.kid, key: theirs!.key },
        { kid: 'k_unknown', key: null },
      ]);
    });
  });

  describe('erasure', () => {
    it('destroys all keys of a subject and fences it for good', async () => {
      const vault = await openVault();
      const [erased, kept] = [randomUUID(), randomUUID()];
      const [profile, booking, other] = await mint(vault, [
        { subjectId: erased, purpose: 'profile' },
        { subjectId: erased, purpose: 'booking', period: '2030-03-10' },
        { subjectId: kept, purpose: 'profile' },
      ]);

      const destroyed = await vault.destroySubjectKeys(tenantId, erased);

      expect(destroyed.sort()).toEqual([profile!.kid, booking!.kid].sort());
      expect(await vault.getKeys(tenantId, [profile!.kid, booking!.kid, other!.kid])).toEqual([
        { kid: profile!.kid, key: null },
        { kid: booking!.kid, key: null },
        { kid: other!.kid, key: other!.key },
      ]);
      expect(await vault.getOrCreateKeys(tenantId, [{ subjectId: erased, purpose: 'profile' }])).toEqual([{ erased: true }]);
      expect(await (await openVault()).getOrCreateKeys(tenantId, [{ subjectId: erased, purpose: 'booking', period: '2031-01-01' }])).toEqual([{ erased: true }]);
      expect(await vault.destroySubjectKeys(tenantId, erased)).toEqual([]);
      expect(await vault.getOrCreateKeys(randomUUID(), [{ subjectId: erased, purpose: 'profile' }])).not.toEqual([{ erased: true }]);
    });

    it('leaves no key of a subject minted while it was being erased', async () => {
      const [a, b] = [await openVault(), await openVault()];
      const subjectId = randomUUID();
      const scopes = (i: number): KeyScope[] => [{ subjectId, purpose: 'booking', period: `2030-01-${String(i + 1).padStart(2, '0')}` }];

      const minting = Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getOrCreateKeys(tenantId, scopes(i))));
      const destroying = b.destroySubjectKeys(tenantId, subjectId);
      const answers = (await minting).flat();
      await destroying;

      const handedOut = answers.flatMap((k) => ('kid' in k ? [k.kid] : []));
      expect((await a.getKeys(tenantId, handedOut)).filter((k) => k.key !== null)).toEqual([]);
      expect(await a.destroySubjectKeys(tenantId, subjectId)).toEqual([]);
      expect(await a.getOrCreateKeys(tenantId, scopes(30))).toEqual([{ erased: true }]);
    });
  });

  describe('retention', () => {
    it("destroys only the tenant's keys of the purpose with a period before the cutoff, fencing nobody", async () => {
      const vault = await openVault();
      const otherTenant = randomUUID();
      const [alice, bob] = [randomUUID(), randomUUID()];
      const [old1, old2, bobOld, cutoffDay, later, profile, noPeriod] = await mint(vault, [
        { subjectId: alice, purpose: 'booking', period: '2030-03-01' },
        { subjectId: alice, purpose: 'booking', period: '2030-03-09' },
        { subjectId: bob, purpose: 'booking', period: '2029-12-31' },
        { subjectId: alice, purpose: 'booking', period: '2030-03-10' },
        { subjectId: alice, purpose: 'booking', period: '2030-04-01' },
        { subjectId: alice, purpose: 'profile' },
        { subjectId: bob, purpose: 'booking' },
      ]);
      const [otherProfileDay, foreign] = [
        ...(await mint(vault, [{ subjectId: alice, purpose: 'profile', period: '2030-01-01' }])),
        ...(await mint(vault, [{ subjectId: alice, purpose: 'booking', period: '2030-03-01' }], otherTenant)),
      ];

      const destroyed = await vault.destroyExpiredKeys(tenantId, 'booking', '2030-03-10');

      expect(destroyed.sort()).toEqual([old1!.kid, old2!.kid, bobOld!.kid].sort());
      const kept = [cutoffDay!, later!, profile!, noPeriod!, otherProfileDay!];
      expect(await vault.getKeys(tenantId, [old1!.kid, old2!.kid, bobOld!.kid, ...kept.map((k) => k.kid)])).toEqual([
        { kid: old1!.kid, key: null },
        { kid: old2!.kid, key: null },
        { kid: bobOld!.kid, key: null },
        ...kept,
      ]);
      expect(await vault.getKeys(otherTenant, [foreign!.kid])).toEqual([foreign]);
      expect(await vault.destroyExpiredKeys(tenantId, 'booking', '2030-03-10')).toEqual([]);

      const [sameDay, nextDay, sameProfile] = await mint(vault, [
        { subjectId: alice, purpose: 'booking', period: '2030-03-10' },
        { subjectId: alice, purpose: 'booking', period: '2030-03-11' },
        { subjectId: alice, purpose: 'profile' },
      ]);
      expect(sameDay).toEqual(cutoffDay);
      expect(sameProfile).toEqual(profile);
      expect(nextDay!.key).toHaveLength(32);
    });
  });

  describe('master key rotation', () => {
    it('keeps old rows readable under a previous key, and re-wraps them without changing a kid', async () => {
      const newKey = randomBytes(32);
      const [alice, bob, erased] = [randomUUID(), randomUUID(), randomUUID()];
      const before = await openVault();
      const keys = await mint(before, [
        { subjectId: alice, purpose: 'profile' },
        { subjectId: alice, purpose: 'booking', period: '2030-03-10' },
        { subjectId: bob, purpose: 'profile' },
        { subjectId: erased, purpose: 'profile' },
      ]);
      await before.destroySubjectKeys(tenantId, erased);
      const live = keys.slice(0, 3);

      const rotating = await openVault({ masterKey: newKey, previousMasterKeys: [masterKey] });
      expect(
        await rotating.getKeys(
          tenantId,
          live.map((k) => k.kid),
        ),
      ).toEqual(live);
      const [fresh] = await mint(rotating, [{ subjectId: bob, purpose: 'booking', period: '2030-03-10' }]);
      await expect((await openVault({ masterKey: newKey })).getKeys(tenantId, [live[0]!.kid])).rejects.toThrow(/does not hold/);

      expect(await rotating.rewrapAll(2)).toBe(3);
      expect(await rotating.rewrapAll()).toBe(0);

      const after = await openVault({ masterKey: newKey });
      expect(
        await after.getKeys(
          tenantId,
          [...live, fresh!].map((k) => k.kid),
        ),
      ).toEqual([...live, fresh]);
      // Subject refs survive: the same scopes find the same keys, and the erased subject stays fenced.
      expect(
        await mint(after, [
          { subjectId: alice, purpose: 'profile' },
          { subjectId: alice, purpose: 'booking', period: '2030-03-10' },
          { subjectId: bob, purpose: 'profile' },
        ]),
      ).toEqual(live);
      expect(await after.getOrCreateKeys(tenantId, [{ subjectId: erased, purpose: 'profile' }])).toEqual([{ erased: true }]);
      expect((await after.destroySubjectKeys(tenantId, alice)).sort()).toEqual([live[0]!.kid, live[1]!.kid].sort());
      await expect((await openVault()).getKeys(tenantId, [live[2]!.kid])).rejects.toThrow(/does not hold/);
    });

    it('fails fast without the key that wrapped the vault, and refuses rows under a key it was not given', async () => {
      const [a, b, c] = [masterKey, randomBytes(32), randomBytes(32)];
      await mint(await openVault(), [{ subjectId: randomUUID(), purpose: 'profile' }]);
      await expect((await openVault({ masterKey: b })).ready()).rejects.toThrow(/Vault secret subject-ref is wrapped under kek_.* which this vault does not hold/);

      expect(await (await openVault({ masterKey: b, previousMasterKeys: [a] })).rewrapAll()).toBe(1);
      // Back to A with B as previous: the subject-ref key stays under B, a new row goes under A.
      const [underA] = await mint(await openVault({ masterKey: a, previousMasterKeys: [b] }), [{ subjectId: randomUUID(), purpose: 'profile' }]);

      await expect((await openVault({ masterKey: c, previousMasterKeys: [b] })).rewrapAll()).rejects.toThrow(`Data key ${underA!.kid} is wrapped under`);
    });
  });
}
