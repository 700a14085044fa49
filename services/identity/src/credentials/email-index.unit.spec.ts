import { randomBytes } from 'node:crypto';
import { emailBlindIndex, normalizeEmail } from './email-index.js';

const tenantA = '3d0f4a8e-2b1c-4d5e-9f60-718293a4b5c6';
const tenantB = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

describe('the e-mail blind index', () => {
  it('normalizes space, case and Unicode composition', () => {
    expect(normalizeEmail('  Kari.Nordmann@Fjord.Example\n')).toBe('kari.nordmann@fjord.example');
    expect(normalizeEmail('A\u030asa@x.example')).toBe(normalizeEmail('\u00c5sa@x.example'));
  });

  it('is the same for one address in one tenant, and differs across tenants and keys', () => {
    const key = randomBytes(32);
    const index = emailBlindIndex(key);
    expect(index(tenantA, 'Kari@fjord.example ')).toBe(index(tenantA, 'kari@FJORD.example'));
    expect(index(tenantA, 'kari@fjord.example')).not.toBe(index(tenantB, 'kari@fjord.example'));
    expect(emailBlindIndex(randomBytes(32))(tenantA, 'kari@fjord.example')).not.toBe(index(tenantA, 'kari@fjord.example'));
    expect(index(tenantA, 'kari@fjord.example')).not.toContain('kari');
  });
});
