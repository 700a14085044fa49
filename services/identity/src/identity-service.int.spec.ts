import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CorrectUser,
  CreateTenant,
  DeactivateUser,
  DestroySubjectKeys,
  GetMe,
  GetUser,
  IssueToken,
  ListUsers,
  RefreshToken,
  RegisterUser,
  UpdateMe,
  forgetSubject,
} from '@plass/contracts';
import { listFiles, scanForPlaintext, waitFor } from '@plass/testing';
import { PASSWORD, as, createTenant, failure, operator, privacyService, register, startHarness, type Harness, type TestTenant } from './test-support/harness.js';

const kari = { email: 'Kari.Nordmann@fjord.example', displayName: 'Kari Nordmann' };
const ola = { email: 'ola.hansen@fjord.example', displayName: 'Ola Hansen' };
const sven = { email: 'sven.lund@vattern.example', displayName: 'Sven Lund' };
const racer = { email: 'racer@fjord.example', displayName: 'Rask Racer' };
const paged = Array.from({ length: 5 }, (_, i) => ({ email: `paged${i}@fjord.example`, displayName: `Paged Person ${i}` }));

describe('identity service over NATS', () => {
  let h: Harness;
  let fjord: TestTenant;
  let vattern: TestTenant;

  beforeAll(async () => {
    h = await startHarness();
    fjord = await createTenant(h, 'Fjord', kari);
    vattern = await createTenant(h, 'Vattern', sven);
  });

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  describe('tenants', () => {
    it('are created by the platform operator, with a first admin', async () => {
      const view = await h.client.request(GetUser, { userId: fjord.adminId }, fjord.admin);
      expect(view).toEqual({ id: fjord.adminId, email: kari.email, displayName: kari.displayName, role: 'admin', locale: 'en', status: 'active', redacted: [] });
    });

    it('are refused to anyone else', async () => {
      const body = { name: 'Sneaky', admin: { email: 'x@sneaky.example', displayName: 'X', password: PASSWORD } };
      await expect(h.client.request(CreateTenant, body, fjord.admin)).rejects.toMatchObject(failure('auth.forbidden'));
      await expect(h.client.request(CreateTenant, body, { ...operator(), roles: [] })).rejects.toMatchObject(failure('auth.forbidden'));
    });
  });

  describe('registration', () => {
    it('registers a user an admin names, and refuses everyone else', async () => {
      const { id, ctx } = await register(h, fjord, ola);
      expect(await h.client.request(GetMe, {}, ctx)).toMatchObject({ id, email: ola.email, displayName: ola.displayName, role: 'employee' });
      const body = { email: 'new@fjord.example', displayName: 'New', role: 'employee' as const };
      await expect(h.client.request(RegisterUser, body, ctx)).rejects.toMatchObject(failure('auth.forbidden'));
      await expect(h.client.request(RegisterUser, body, { ...operator(), tenantId: fjord.tenantId })).rejects.toMatchObject(failure('auth.forbidden'));
    });

    it('refuses an e-mail already taken in the tenant, whatever its case or surrounding space', async () => {
      const again = { email: ` ${kari.email.toUpperCase()}`.trim(), displayName: 'Other Kari', role: 'employee' as const };
      await expect(h.client.request(RegisterUser, again, fjord.admin)).rejects.toMatchObject(failure('user.email_taken'));
      // Another tenant is another namespace.
      await expect(h.client.request(RegisterUser, again, vattern.admin)).resolves.toMatchObject({ id: expect.any(String) });
    });

    it('lets exactly one of two simultaneous registrations of one e-mail win', async () => {
      const attempts = await Promise.allSettled(
        [racer.email, racer.email.toUpperCase(), racer.email, ` ${racer.email}`.trim()].map((email) =>
          h.client.request(RegisterUser, { email, displayName: racer.displayName, role: 'employee' }, fjord.admin),
        ),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      for (const lost of attempts.filter((a) => a.status === 'rejected')) expect(lost.reason).toMatchObject(failure('user.email_taken'));
    });
  });

  describe('users', () => {
    it('lists the tenant’s users page by page in a stable order, ending with a null cursor', async () => {
      for (const person of paged) await register(h, fjord, person);
      await waitFor(() => h.identity.settled(), { what: 'the read model' });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; ; pages++) {
        const page = await h.client.request(ListUsers, { limit: 2, ...(cursor ? { cursor } : {}) }, fjord.admin);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((user) => user.id));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
        expect(pages).toBeLessThan(20);
      }
      const all = await h.client.request(ListUsers, { limit: 100 }, fjord.admin);
      expect(all.nextCursor).toBeNull();
      expect(seen).toEqual(all.items.map((user) => user.id));
      expect([...seen].sort()).toEqual(seen);
      expect(all.items.map((user) => user.email)).toEqual(expect.arrayContaining([kari.email, ola.email, ...paged.map((p) => p.email)]));
      expect(all.items.map((user) => user.email)).not.toContain(sven.email);
      await expect(h.client.request(ListUsers, { limit: 2, cursor: 'not-a-cursor' }, fjord.admin)).rejects.toMatchObject(failure('validation.failed'));
      await expect(h.client.request(ListUsers, { limit: 2 }, as(fjord.tenantId, fjord.adminId, 'employee'))).rejects.toMatchObject(failure('auth.forbidden'));
    });

    it('changes a role and deactivates a user, answering the user as it is now', async () => {
      const { id } = await register(h, fjord, { email: 'role.change@fjord.example', displayName: 'Role Change' });
      expect(await h.client.request(CorrectUser, { userId: id, role: 'analyst' }, fjord.admin)).toMatchObject({ id, role: 'analyst', status: 'active' });
      expect(await h.client.request(DeactivateUser, { userId: id }, fjord.admin)).toMatchObject({ id, role: 'analyst', status: 'deactivated' });
      expect(await h.client.request(DeactivateUser, { userId: id }, fjord.admin)).toMatchObject({ status: 'deactivated' });
      await expect(h.client.request(CorrectUser, { userId: id, role: 'admin' }, fjord.admin)).rejects.toMatchObject(failure('user.deactivated'));
      await expect(h.client.request(DeactivateUser, { userId: fjord.adminId }, as(fjord.tenantId, id, 'employee'))).rejects.toMatchObject(failure('auth.forbidden'));
    });

    it('answers user.not_found for another tenant’s user, whatever the request', async () => {
      const svenId = vattern.adminId;
      await expect(h.client.request(GetUser, { userId: svenId }, fjord.admin)).rejects.toMatchObject(failure('user.not_found'));
      await expect(h.client.request(CorrectUser, { userId: svenId, role: 'employee' }, fjord.admin)).rejects.toMatchObject(failure('user.not_found'));
      await expect(h.client.request(DeactivateUser, { userId: svenId }, fjord.admin)).rejects.toMatchObject(failure('user.not_found'));
      await expect(h.client.request(GetMe, {}, as(fjord.tenantId, svenId, 'admin'))).rejects.toMatchObject(failure('user.not_found'));
      expect(await h.client.request(GetUser, { userId: svenId }, vattern.admin)).toMatchObject({ email: sven.email });
    });
  });

  describe('own profile', () => {
    it('lets users change their name, locale and booking visibility', async () => {
      const { id, ctx } = await register(h, fjord, { email: 'profile@fjord.example', displayName: 'Pro File' });
      const updated = await h.client.request(UpdateMe, { displayName: 'Pro F.', locale: 'nb', bookingVisibility: 'hidden' }, ctx);
      expect(updated).toMatchObject({ id, displayName: 'Pro F.', locale: 'nb', bookingVisibility: 'hidden', email: 'profile@fjord.example' });
      await waitFor(() => h.identity.settled(), { what: 'the read model' });
      expect(await h.client.request(GetMe, {}, ctx)).toEqual(updated);
      await expect(h.client.request(UpdateMe, { locale: 'de' }, { ...ctx, actorId: undefined })).rejects.toMatchObject(failure('auth.unauthenticated'));
    });
  });

  describe('after the subject’s keys are destroyed', () => {
    it('reads the user as redacted, then frees the address once the index is forgotten', async () => {
      const person = { email: 'erase.me@fjord.example', displayName: 'Erase Me' };
      const { id } = await register(h, fjord, person);
      const login = () => h.client.request(IssueToken, { tenantId: fjord.tenantId, email: person.email, password: PASSWORD }, operator());
      const { refreshToken } = await login();
      await h.client.request(DestroySubjectKeys, { subjectId: id }, fjord.admin);
      const redacted = await waitFor(
        async () => {
          const view = await h.client.request(GetUser, { userId: id }, fjord.admin);
          return view.redacted.length > 0 && view;
        },
        { what: 'the key cache to drop the destroyed key' },
      );
      expect(redacted).toMatchObject({ id, email: null, displayName: null, redacted: ['email', 'displayName'], status: 'active' });

      await expect(h.client.request(RegisterUser, { ...person, role: 'employee' }, fjord.admin)).rejects.toMatchObject(failure('user.email_taken'));
      // The password hash is shredded with the rest of the profile.
      await expect(login()).rejects.toMatchObject(failure('auth.invalid_credentials'));
      await h.client.request(forgetSubject('identity'), { erasureId: randomUUID(), subjectId: id }, privacyService(fjord.tenantId));
      await expect(h.client.request(RefreshToken, { refreshToken }, operator())).rejects.toMatchObject(failure('auth.invalid_credentials'));
      await expect(h.client.request(RegisterUser, { ...person, role: 'employee' }, fjord.admin)).resolves.toMatchObject({ id: expect.any(String) });
    });
  });

  it('rebuilds the read model from the event store to the same users', async () => {
    await waitFor(() => h.identity.settled(), { what: 'the read model' });
    const before = await h.client.request(ListUsers, { limit: 100 }, fjord.admin);
    const { applied } = await h.identity.rebuildReadModel();
    expect(applied).toBeGreaterThan(before.items.length);
    expect(await h.client.request(ListUsers, { limit: 100 }, fjord.admin)).toEqual(before);
  });

  it('leaves no plaintext e-mail, name or password in any store, JetStream file or log', async () => {
    await h.stop();
    const people = [kari, ola, sven, racer, ...paged];
    const needles = [...people.flatMap((p) => [p.email, p.email.toLowerCase(), p.displayName]), 'Pro File', 'Pro F.', 'erase.me@fjord.example', PASSWORD, 'scrypt$'];
    expect(listFiles(h.dir.path)).toEqual(
      expect.arrayContaining([
        'identity/events.db',
        'identity/read-model.db',
        'identity/credentials.db',
        expect.stringMatching(/^logs\/identity\.\d{4}-\d{2}-\d{2}\.log$/),
        expect.stringMatching(/^nats\/jetstream\//),
      ]),
    );
    expect(scanForPlaintext(h.dir.path, needles)).toEqual([]);
  });
});
