import type { KurrentDbEventStore, KurrentDbEventStoreOptions } from './kurrentdb-event-store.js';

/**
 * The KurrentDB adapter, loaded only when a service is configured for it: its gRPC client and
 * protobuf modules cost every process tens of MB of source and code it would otherwise carry.
 */
export async function openKurrentDbEventStore(options: KurrentDbEventStoreOptions): Promise<KurrentDbEventStore> {
  const { KurrentDbEventStore: Store } = await import('./kurrentdb-event-store.js');
  return new Store(options);
}
