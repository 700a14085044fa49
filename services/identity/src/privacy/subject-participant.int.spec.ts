import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CorrectUser,
  DeactivateSubject,
  DeactivateUser,
  DestroySubjectKeys,
  GetUser,
  ListUsers,
  LookupSubject,
  RefreshToken,
  RegisterUser,
  UpdateMe,
  exportSubject,
  forgetSubject,
} from '@plass/contracts';
import { scanForPlaintext, waitFor } from '@plass/testing';
import { PASSWORD, createTenant, failure, login, operator, privacyService, query, register, startHarness, type Harness, type TestTenant } from '../test-support/harness.js';

const ExportSubject = exportSubject('identity');
const ForgetSubject = forgetSubject('identity');
const erasureId = '5e1f0c9a-7b3d-4e2a-9c8b-1a2b3c4d5e6f';
const unknownId = '0d5c2f3e-8b7a-4c1d-9e6f-5a4b3c2d1e0f';

describe('identity as a participant in erasure and export', () => {
  let h: Harness;
  let fjord: TestTenant;
  let vattern: TestTenant;
  const officer = () => privacyService(fjord.tenantId);

  const refresh = (refreshToken: string) => h.client.request(RefreshToken, { refreshToken }, operator());
  const familiesOf = (userId: string) => query<{ revoked_at: number | null }>(h, 'credentials.db', 'SELECT revoked_at FROM refresh_families WHERE user_id = ?', userId);
  /** Destroys the subject's keys in the vault and waits until identity reads them as gone. */
  const destroyKeys = async (userId: string) => {
    await h.client.request(DestroySubjectKeys, { subjectId: userId }, fjord.admin);
    await waitFor(async () => (await h.client.request(GetUser, { userId }, fjord.admin)).redacted.length > 0, {
      what: 'the key cache to drop the destroyed key',
    });
  };

  beforeAll(async () => {
    h = await startHarness();
    fjord = await createTenant(h, 'Fjord', { email: 'admin@fjord.example', displayName: 'Fjord Admin' });
    vattern = await createTenant(h, 'Vattern', { email: 'admin@vattern.example', displayName: 'Vattern Admin' });
  });

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  describe('LookupSubject', () => {
    it('tells whether the id is a user of the tenant and whether they are active', async () => {
      const { id } = await register(h, fjord, { email: 'lookup@fjord.example', displayName: 'Look Up' });
      expect(await h.client.request(LookupSubject, { subjectId: id }, officer())).toEqual({ exists: true, active: true });
      await h.client.request(DeactivateUser, { userId: id }, fjord.admin);
      expect(await h.client.request(LookupSubject, { subjectId: id }, privacyService(fjord.tenantId, []))).toEqual({ exists: true, active: false });
      expect(await h.client.request(LookupSubject, { subjectId: unknownId }, officer())).toEqual({ exists: false, active: false });
      expect(await h.client.request(LookupSubject, { subjectId: id }, privacyService(vattern.tenantId))).toEqual({ exists: false, active: false });
    });
  });

  describe('ExportSubject', () => {
    it('answers the current profile, decrypted, without the password hash', async () => {
      const { id, ctx } = await register(h, fjord, { email: 'export@fjord.example', displayName: 'Ex Port' }, 'analyst');
      await h.client.request(UpdateMe, { locale: 'nb', bookingVisibility: 'hidden', displayName: 'Ex P.' }, ctx);
      await h.client.request(CorrectUser, { userId: id, email: 'export.corrected@fjord.example' }, fjord.admin);
      const bundle = await h.client.request(ExportSubject, { subjectId: id }, officer());
      expect(bundle).toEqual({
        service: 'identity',
        sections: {
          profile: {
            id,
            email: 'export.corrected@fjord.example',
            displayName: 'Ex P.',
            role: 'analyst',
            locale: 'nb',
            status: 'active',
            bookingVisibility: 'hidden',
            createdAt: h.clock.now.toISOString(),
            redacted: [],
          },
        },
      });
      expect(JSON.stringify(bundle)).not.toMatch(/scrypt|password/i);
    });

    it('answers no sections for an id the tenant does not hold', async () => {
      expect(await h.client.request(ExportSubject, { subjectId: unknownId }, officer())).toEqual({ service: 'identity', sections: {} });
      expect(await h.client.request(ExportSubject, { subjectId: fjord.adminId }, privacyService(vattern.tenantId))).toEqual({
        service: 'identity',
        sections: {},
      });
    });
  });

  describe('DeactivateSubject', () => {
    it('deactivates once, revokes every refresh token of the user and no one else’s, and is idempotent', async () => {
      const subject = { email: 'deactivate@fjord.example', displayName: 'De Activate' };
      const { id } = await register(h, fjord, subject);
      const bystander = await register(h, fjord, { email: 'bystander@fjord.example', displayName: 'By Stander' });
      const sessions = [await login(h, fjord.tenantId, subject.email), await login(h, fjord.tenantId, subject.email)];
      const theirs = await login(h, fjord.tenantId, 'bystander@fjord.example');

      const ask = () => h.client.request(DeactivateSubject, { erasureId, subjectId: id }, privacyService(fjord.tenantId, []));
      expect(await ask()).toEqual({ deactivated: true });
      expect(await ask()).toEqual({ deactivated: false });
      expect(familiesOf(id)).toEqual([{ revoked_at: expect.any(Number) }, { revoked_at: expect.any(Number) }]);
      for (const { refreshToken } of sessions) await expect(refresh(refreshToken)).rejects.toMatchObject(failure('auth.invalid_credentials'));
      await expect(login(h, fjord.tenantId, subject.email)).rejects.toMatchObject(failure('auth.invalid_credentials'));
      expect(await h.client.request(LookupSubject, { subjectId: id }, officer())).toEqual({ exists: true, active: false });
      await expect(refresh(theirs.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
      expect(await h.client.request(GetUser, { userId: bystander.id }, fjord.admin)).toMatchObject({ status: 'active' });
    });

    it('changes nothing for an id the tenant does not hold', async () => {
      expect(await h.client.request(DeactivateSubject, { erasureId, subjectId: unknownId }, officer())).toEqual({ deactivated: false });
      expect(await h.client.request(DeactivateSubject, { erasureId, subjectId: fjord.adminId }, privacyService(vattern.tenantId))).toEqual({
        deactivated: false,
      });
      expect(await h.client.request(GetUser, { userId: fjord.adminId }, fjord.admin)).toMatchObject({ status: 'active' });
    });
  });

  describe('ForgetSubject, after the vault destroyed the keys', () => {
    const erased = { email: 'erase.me@fjord.example', displayName: 'Erase Me' };
    let id: string;
    let refreshToken: string;
    const failuresInTenant = () => query<{ n: number }>(h, 'credentials.db', 'SELECT count(*) AS n FROM login_failures WHERE tenant_id = ?', fjord.tenantId)[0]!.n;

    beforeAll(async () => {
      ({ id } = await register(h, fjord, erased));
      ({ refreshToken } = await login(h, fjord.tenantId, erased.email));
      await login(h, fjord.tenantId, erased.email, 'a wrong password, long enough').catch(() => undefined);
    });

    it('refuses the receipt while identity can still read the profile (keys not destroyed yet)', async () => {
      await expect(h.client.request(ForgetSubject, { erasureId, subjectId: id }, officer())).rejects.toMatchObject(failure('service.unavailable'));
    });

    it('drops the blind index, login counts and refresh tokens, answers a receipt, and does so again on a retry', async () => {
      await h.client.request(DeactivateSubject, { erasureId, subjectId: id }, officer());
      await destroyKeys(id);
      const failuresBefore = failuresInTenant();
      for (let attempt = 0; attempt < 2; attempt++) {
        h.clock.advance(1000);
        expect(await h.client.request(ForgetSubject, { erasureId, subjectId: id }, officer())).toEqual({
          service: 'identity',
          acknowledgedAt: h.clock.now.toISOString(),
        });
      }
      expect(query(h, 'credentials.db', 'SELECT 1 FROM email_index WHERE user_id = ?', id)).toEqual([]);
      expect(familiesOf(id)).toEqual([]);
      expect(failuresInTenant()).toBe(failuresBefore - 1);
      await expect(refresh(refreshToken)).rejects.toMatchObject(failure('auth.invalid_credentials'));
    });

    it('lets login with the erased address fail like an unknown one, and frees the address', async () => {
      const refusal = (email: string) =>
        login(h, fjord.tenantId, email).then(
          () => 'logged in',
          (error: { error: unknown }) => error.error,
        );
      const asErased = await refusal(erased.email);
      expect(asErased).toMatchObject({ code: 'auth.invalid_credentials' });
      expect(asErased).toEqual(await refusal('never.registered@fjord.example'));
      await expect(h.client.request(RegisterUser, { ...erased, role: 'employee' }, fjord.admin)).resolves.toMatchObject({ id: expect.any(String) });
    });

    it('reads the erased user back redacted, in views and in the export, without failing', async () => {
      await waitFor(() => h.identity.settled(), { what: 'the read model' });
      const view = { id, email: null, displayName: null, role: 'employee', locale: 'en', status: 'deactivated', redacted: ['email', 'displayName'] };
      expect(await h.client.request(GetUser, { userId: id }, fjord.admin)).toEqual(view);
      expect((await h.client.request(ListUsers, { limit: 100 }, fjord.admin)).items).toContainEqual(view);
      const { sections } = await h.client.request(ExportSubject, { subjectId: id }, officer());
      expect(sections.profile).toEqual({ ...view, bookingVisibility: null, createdAt: expect.any(String) });
      await expect(h.client.request(CorrectUser, { userId: id, displayName: 'Back Again' }, fjord.admin)).rejects.toMatchObject(failure('user.deactivated'));
    });
  });

  it('leaves no plaintext address, name or password in any store, JetStream file or log', async () => {
    await h.stop();
    const needles = [
      'lookup@fjord.example',
      'export@fjord.example',
      'export.corrected@fjord.example',
      'Ex Port',
      'Ex P.',
      'deactivate@fjord.example',
      'De Activate',
      'erase.me@fjord.example',
      'Erase Me',
      PASSWORD,
      'scrypt$',
    ];
    expect(scanForPlaintext(h.dir.path, needles)).toEqual([]);
  });
});
