import type { EventStore } from '@plass/eventstore';
import { openServiceEventStore, openServiceProjectionStore, type ProjectionStore, type ServiceStoreConfig } from '@plass/projections';

export type StoreConfig = ServiceStoreConfig;

/** `<dataDir>/booking/events.db`, or KurrentDB. */
export const openEventStore = (config: StoreConfig): Promise<EventStore> => openServiceEventStore(config, 'booking');

/** `<dataDir>/booking/read-model.db`, or the MongoDB database `plass_booking`. */
export const openReadModelStore = (config: StoreConfig): Promise<ProjectionStore> => openServiceProjectionStore(config, 'booking');
