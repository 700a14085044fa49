import { PasswordHasher } from './password-hasher.js';

const hasher = new PasswordHasher();

describe('PasswordHasher', () => {
  it('stores scrypt with its parameters and a per-hash salt', async () => {
    const [a, b] = await Promise.all([hasher.hash('correct horse battery staple'), hasher.hash('correct horse battery staple')]);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password only', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(await hasher.verify('correct horse battery stapl', stored)).toBe(false);
  });

  it('verifies with the parameters stored in the hash, so they can be raised later', async () => {
    const old = await new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 }).hash('an older password');
    expect(old).toMatch(/^scrypt\$1024\$/);
    expect(await hasher.verify('an older password', old)).toBe(true);
  });

  it('treats a composed and a decomposed spelling of one password alike', async () => {
    const stored = await hasher.hash('blåbærsyltetøy\u00e5');
    expect(await hasher.verify('blåbærsyltetøya\u030a', stored)).toBe(true);
  });

  it('answers false, after the same work, without a usable hash', async () => {
    expect(await hasher.verify('anything at all', undefined)).toBe(false);
    expect(await hasher.verify('anything at all', 'scrypt$3$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA')).toBe(false);
    expect(await hasher.verify('anything at all', 'plaintext')).toBe(false);
  });
});
