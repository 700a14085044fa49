import type { EventStore } from '@plass/eventstore';
import { openServiceEventStore, openServiceProjectionStore, serviceDir, type ProjectionStore, type ServiceStoreConfig } from '@plass/projections';

export type StoreConfig = ServiceStoreConfig;

/** `<dataDir>/privacy/`, created 0700: the event store, the read model and the key vault's `keys.db`. */
export const privacyDir = (dataDir: string): string => serviceDir(dataDir, 'privacy');

/** `<dataDir>/privacy/events.db`, or KurrentDB. */
export const openEventStore = (config: StoreConfig): Promise<EventStore> => openServiceEventStore(config, 'privacy');

/** `<dataDir>/privacy/read-model.db`, or the MongoDB database `plass_privacy`. */
export const openReadModelStore = (config: StoreConfig): Promise<ProjectionStore> => openServiceProjectionStore(config, 'privacy');
