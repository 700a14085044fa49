import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChangeUserRole, CorrectUser, DeactivateUser, GetMe, GetUser, RegisterUser, UpdateMe, exportSubject, type RequestOf } from '@plass/contracts';
import { scanForPlaintext, waitFor } from '@plass/testing';
import { PASSWORD, as, createTenant, failure, login, privacyService, query, register, startHarness, type Harness, type TestTenant } from '../test-support/harness.js';

const ExportSubject = exportSubject('identity');

describe('rectification (GDPR Art. 16) over NATS', () => {
  let h: Harness;
  let fjord: TestTenant;
  const needles: string[] = [];
  /** Every address and name a test uses, for the plaintext scan at the end. */
  const person = (local: string, displayName: string) => {
    const p = { email: `${local}@fjord.example`, displayName };
    needles.push(p.email, p.displayName);
    return p;
  };

  const correct = (userId: string, changes: Omit<RequestOf<typeof CorrectUser>, 'userId'>) => h.client.request(CorrectUser, { userId, ...changes }, fjord.admin);

  beforeAll(async () => {
    h = await startHarness();
    fjord = await createTenant(h, 'Fjord', person('admin', 'Fjord Admin'));
  });

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  it('lets an admin correct e-mail, name and role at once; login works with the new address only', async () => {
    const before = person('astrid.old', 'Astrid Olsen');
    const after = person('astrid.berg', 'Astrid Berg');
    const { id } = await register(h, fjord, before);
    const corrected = await correct(id, { email: after.email, displayName: after.displayName, role: 'analyst' });
    expect(corrected).toEqual({ id, email: after.email, displayName: after.displayName, role: 'analyst', locale: 'en', status: 'active', redacted: [] });
    await waitFor(() => h.identity.settled(), { what: 'the read model' });
    expect(await h.client.request(GetUser, { userId: id }, fjord.admin)).toEqual(corrected);

    await expect(login(h, fjord.tenantId, ` ${after.email.toUpperCase()} `)).resolves.toMatchObject({ tokenType: 'Bearer' });
    await expect(login(h, fjord.tenantId, before.email)).rejects.toMatchObject(failure('auth.invalid_credentials'));
  });

  it('records a correction as events holding only what changed, personal fields sealed', async () => {
    const { id } = await register(h, fjord, person('sealed', 'Sealed Person'));
    await correct(id, { email: person('sealed.new', 'unused').email, role: 'admin' });
    const rows = query<{ type: string; data: string }>(h, 'events.db', 'SELECT type, data FROM events WHERE stream_id = ? ORDER BY revision', `user-${fjord.tenantId}-${id}`);
    expect(rows.map((row) => row.type)).toEqual(['UserRegistered', 'UserRoleChanged', 'UserProfileChanged']);
    const changed = JSON.parse(rows[2]!.data) as Record<string, unknown>;
    expect(Object.keys(changed).sort()).toEqual(['email', 'userId']);
    expect(changed.email).toMatchObject({ kid: expect.any(String) });
    expect(JSON.parse(rows[1]!.data)).toEqual({ userId: id, role: 'admin' });
  });

  it('lets users correct their own e-mail; the old address is free again', async () => {
    const before = person('bjorn', 'Bjørn Dahl');
    const after = person('bjorn.dahl', 'unused');
    const { id, ctx } = await register(h, fjord, before);
    expect(await h.client.request(UpdateMe, { email: after.email, locale: 'nb' }, ctx)).toMatchObject({ id, email: after.email, locale: 'nb' });
    await expect(login(h, fjord.tenantId, after.email)).resolves.toMatchObject({ tokenType: 'Bearer' });
    await expect(login(h, fjord.tenantId, before.email)).rejects.toMatchObject(failure('auth.invalid_credentials'));
    await expect(h.client.request(RegisterUser, { ...before, role: 'employee' }, fjord.admin)).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('refuses an address another user of the tenant holds, whatever its case, and changes nothing', async () => {
    const holder = person('taken', 'Taken Holder');
    const other = person('other', 'Other Person');
    await register(h, fjord, holder);
    const { id, ctx } = await register(h, fjord, other);
    await expect(correct(id, { email: holder.email.toUpperCase(), displayName: 'Renamed' })).rejects.toMatchObject(failure('user.email_taken'));
    await expect(h.client.request(UpdateMe, { email: holder.email }, ctx)).rejects.toMatchObject(failure('user.email_taken'));
    expect(await h.client.request(GetMe, {}, ctx)).toMatchObject({ email: other.email, displayName: other.displayName });
    await expect(login(h, fjord.tenantId, other.email)).resolves.toMatchObject({ tokenType: 'Bearer' });
    await expect(login(h, fjord.tenantId, holder.email)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('accepts the user’s own address again, e.g. to fix its case', async () => {
    const mixed = person('Case.Fix', 'Case Fix');
    const { id } = await register(h, fjord, mixed);
    expect(await correct(id, { email: mixed.email.toLowerCase() })).toMatchObject({ email: mixed.email.toLowerCase() });
    await expect(login(h, fjord.tenantId, mixed.email)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('refuses deactivated users and non-admins, and leaves the asked address free', async () => {
    const leaver = person('leaver', 'Leaver');
    const wanted = person('wanted', 'Wanted');
    const { id, ctx } = await register(h, fjord, leaver);
    await expect(h.client.request(CorrectUser, { userId: id, email: wanted.email }, ctx)).rejects.toMatchObject(failure('auth.forbidden'));
    await h.client.request(DeactivateUser, { userId: id }, fjord.admin);
    await expect(correct(id, { email: wanted.email })).rejects.toMatchObject(failure('user.deactivated'));
    await expect(correct(id, { role: 'admin' })).rejects.toMatchObject(failure('user.deactivated'));
    await expect(h.client.request(UpdateMe, { email: wanted.email }, ctx)).rejects.toMatchObject(failure('user.deactivated'));
    await expect(correct('0d5c2f3e-8b7a-4c1d-9e6f-5a4b3c2d1e0f', { email: wanted.email })).rejects.toMatchObject(failure('user.not_found'));
    await expect(h.client.request(RegisterUser, { ...wanted, role: 'employee' }, fjord.admin)).resolves.toMatchObject({
      id: expect.any(String),
    });
  });

  it('keeps the index on the address recorded last when two corrections of one user race', async () => {
    const { id } = await register(h, fjord, person('racer', 'Racer'));
    const addresses = [person('racer.a', 'unused').email, person('racer.b', 'unused').email, person('racer.c', 'unused').email];
    await Promise.all(addresses.map((email) => correct(id, { email })));
    await waitFor(() => h.identity.settled(), { what: 'the read model' });
    const { email } = await h.client.request(GetUser, { userId: id }, fjord.admin);
    expect(addresses).toContain(email);
    await expect(login(h, fjord.tenantId, email!)).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(query(h, 'credentials.db', 'SELECT blind_index FROM email_index WHERE user_id = ?', id)).toHaveLength(1);
    for (const free of addresses.filter((address) => address !== email)) {
      await expect(login(h, fjord.tenantId, free)).rejects.toMatchObject(failure('auth.invalid_credentials'));
    }
  });

  it('still serves ChangeUserRole, as a correction of the role', async () => {
    const { id } = await register(h, fjord, person('role.only', 'Role Only'));
    expect(await h.client.request(ChangeUserRole, { userId: id, role: 'analyst' }, fjord.admin)).toMatchObject({ id, role: 'analyst' });
    await expect(h.client.request(ChangeUserRole, { userId: id, role: 'admin' }, as(fjord.tenantId, id, 'analyst'))).rejects.toMatchObject(failure('auth.forbidden'));
  });

  it('exports the corrected values', async () => {
    const before = person('export.old', 'Export Old');
    const after = person('export.new', 'Export New');
    const { id } = await register(h, fjord, before);
    await correct(id, { email: after.email, displayName: after.displayName });
    const { sections } = await h.client.request(ExportSubject, { subjectId: id }, privacyService(fjord.tenantId));
    expect(sections.profile).toMatchObject({ id, email: after.email, displayName: after.displayName });
  });

  it('leaves no plaintext address or name in any store, JetStream file or log', async () => {
    await h.stop();
    const all = [...new Set(needles.filter((n) => n !== 'unused'))];
    expect(scanForPlaintext(h.dir.path, [...all, ...all.map((n) => n.toLowerCase()), PASSWORD, 'scrypt$'])).toEqual([]);
  });
});
