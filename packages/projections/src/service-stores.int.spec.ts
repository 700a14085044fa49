import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { tempDir, type TempDir } from '@plass/testing';
import { openServiceEventStore, openServiceProjectionStore, type ServiceStoreConfig } from './service-stores.js';

describe('service stores', () => {
  let dir: TempDir;
  let config: ServiceStoreConfig;
  beforeEach(() => {
    dir = tempDir('plass-service-stores-');
    config = { dataDir: join(dir.path, 'data'), eventStore: 'sqlite', projectionStore: 'sqlite' };
  });
  afterEach(() => dir.remove());

  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it('keep a service in <dataDir>/<service>/, readable by its owner only', async () => {
    const events = await openServiceEventStore(config, 'booking');
    const readModel = await openServiceProjectionStore(config, 'booking');
    await Promise.all([events.close(), readModel.close()]);

    const home = join(config.dataDir, 'booking');
    expect(modeOf(home)).toBe(0o700);
    expect(readdirSync(home).filter((file) => file.endsWith('.db'))).toEqual(['events.db', 'read-model.db']);
  });

  it('open the store a service names, in its own folder', async () => {
    const store = await openServiceProjectionStore(config, 'notification', { file: 'notification.db' });
    await store.close();
    expect(existsSync(join(config.dataDir, 'notification', 'notification.db'))).toBe(true);
    expect(existsSync(join(config.dataDir, 'notification', 'read-model.db'))).toBe(false);
  });

  it('find the events a service appended when it opens its store again', async () => {
    const first = await openServiceEventStore(config, 'privacy');
    await first.appendToStream('s-1', [{ id: randomUUID(), type: 'TenantCreated', data: { tenantId: 't', name: 'n' } }], { expectedRevision: 'no_stream' });
    await first.close();
    const again = await openServiceEventStore(config, 'privacy');
    expect((await again.readStream('s-1')).map((event) => event.type)).toEqual(['TenantCreated']);
    await again.close();
  });

  it('refuse KurrentDB and MongoDB without their URLs, before creating anything', async () => {
    await expect(openServiceEventStore({ ...config, eventStore: 'kurrentdb' }, 'booking')).rejects.toThrow('PLASS_EVENTSTORE=kurrentdb needs KURRENTDB_URL');
    await expect(openServiceProjectionStore({ ...config, projectionStore: 'mongodb' }, 'booking')).rejects.toThrow('PLASS_PROJECTION_STORE=mongodb needs MONGODB_URL');
    expect(existsSync(config.dataDir)).toBe(false);
  });
});
