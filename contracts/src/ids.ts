import { v7 } from 'uuid';

/**
 * A new id for what plass stores many of and indexes by id (events, bookings): a UUIDv7, whose
 * leading 48 bits are the creation time in milliseconds, the rest random. Ids made one after
 * another sort together, so a B-tree keyed by them (the event store's event ids, the read
 * model's documents, a projection's processed events) grows at its end: a group commit of fifty
 * bookings dirties a few pages instead of a random page per row, each written to the WAL and
 * again at the checkpoint. Nothing personal is in it: the time is when plass made the record.
 */
export const newId = (): string => v7();
