import { SubjectErasedError, type DataKey, type KeyProvider, type KeyScope } from '@plass/shredder';
import type { KeyVault } from './keys/key-vault.js';

/** The Shredder's key provider inside the privacy service: the vault itself, no round trip over NATS. */
export class VaultKeys implements KeyProvider {
  constructor(private readonly vault: Pick<KeyVault, 'getOrCreateKeys' | 'getKeys'>) {}

  async keyFor({ tenantId, ...scope }: KeyScope): Promise<DataKey> {
    const [key] = await this.vault.getOrCreateKeys(tenantId, [scope]);
    if (!key || 'erased' in key) throw new SubjectErasedError();
    return key;
  }

  async keysById(tenantId: string, kids: string[]): Promise<Map<string, Buffer | null>> {
    return new Map((await this.vault.getKeys(tenantId, kids)).map(({ kid, key }) => [kid, key]));
  }
}
