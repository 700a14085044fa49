import { DEFAULT_BOOKING_POLICY, DEFAULT_BOOKING_VISIBILITY, type BookingVisibility, type EncryptedValue, type SpaceKind, type TypedEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionTx } from '@plass/projections';

export const LOCATIONS = 'locations';
export const SPACES = 'spaces';
export const BOOKINGS = 'bookings';
export const TENANT_SETTINGS = 'tenant_settings';
export const NO_SHOW_DUE = 'no_show_due';
export const RETENTION = 'retention';

export interface LocationDocument {
  id: string;
  tenantId: string;
  name: string;
  timezone: string;
  bookableWeekdays: number[];
  capacity: number | null;
  status: 'active' | 'disabled';
}

export interface SpaceDocument {
  id: string;
  tenantId: string;
  locationId?: string;
  name: string;
  kind: SpaceKind;
  floor?: string;
  zone?: string;
  status: 'active' | 'disabled';
}

/** Personal fields stay sealed (aad = `streamId`) and are decrypted at query time. */
export interface BookingDocument {
  id: string;
  tenantId: string;
  streamId: string;
  spaceId: string;
  locationId?: string;
  kind: SpaceKind;
  start: string;
  end: string;
  status: 'confirmed' | 'checked_in' | 'cancelled' | 'released';
  bookedBy: EncryptedValue;
  subject?: EncryptedValue;
  /** Its NO_SHOW_DUE document, while a release is pending. */
  noShowDueId?: string;
  /** The revision of the booking's own stream: 0 once confirmed, one more per later event (absent in documents projected before it was kept). */
  version?: number;
}

export interface TenantSettingsDocument {
  id: string;
  checkInGraceMinutes: number;
  bookingVisibility: BookingVisibility;
}

/** A tenant that anonymizes bookings (absent: it keeps them until erasure); what the retention job reads. */
export interface RetentionDocument {
  id: string;
  anonymizeBookingsAfterDays: number;
}

/** A confirmed booking not checked in, and when the no-show release is due. */
/** Keyed by due time (`noShowDueId`), so the release worker reads only the earliest ones. */
export interface NoShowDueDocument {
  id: string;
  bookingId: string;
  tenantId: string;
  spaceId: string;
  dueAt: number;
}

/** Sorts by due time as text: a zero-padded epoch-ms, then the booking. */
export const noShowDueId = (dueAt: number, bookingId: string) => `${String(dueAt).padStart(16, '0')}:${bookingId}`;

const settingsOf = (tx: ProjectionTx, tenantId: string): TenantSettingsDocument =>
  tx.get<TenantSettingsDocument>(TENANT_SETTINGS, tenantId) ?? {
    id: tenantId,
    checkInGraceMinutes: DEFAULT_BOOKING_POLICY.checkInGraceMinutes,
    bookingVisibility: DEFAULT_BOOKING_VISIBILITY,
  };

function patch<T extends object>(tx: ProjectionTx, collection: string, id: string, change: (doc: T) => T): void {
  const doc = tx.get<T>(collection, id);
  if (doc) tx.put(collection, id, change(doc));
}

/** Present fields change; `null` clears an optional field. */
function merged<T extends object>(doc: T, changes: Record<string, unknown>, keys: string[]): T {
  const next = { ...doc } as Record<string, unknown>;
  for (const key of keys) {
    if (changes[key] === null) delete next[key];
    else if (changes[key] !== undefined) next[key] = changes[key];
  }
  return next as T;
}

function bookingStatus(status: BookingDocument['status']) {
  return (event: TypedEnvelope<'BookingCheckedIn' | 'BookingCancelled' | 'BookingReleasedAsNoShow'>, tx: ProjectionTx) => {
    const { bookingId } = event.data;
    const dueId = tx.get<BookingDocument>(BOOKINGS, bookingId)?.noShowDueId;
    patch<BookingDocument>(tx, BOOKINGS, bookingId, ({ noShowDueId: _released, ...doc }) => ({ ...doc, status, ...nextVersion(doc) }));
    if (dueId !== undefined) tx.delete(NO_SHOW_DUE, dueId);
  };
}

const nextVersion = (doc: BookingDocument) => (doc.version === undefined ? {} : { version: doc.version + 1 });

/** A release is due `grace` after the start of a booking not checked in (none without a grace period). */
function putNoShowDue(tx: ProjectionTx, tenantId: string, doc: Pick<BookingDocument, 'id' | 'spaceId' | 'start'>): string | undefined {
  const grace = settingsOf(tx, tenantId).checkInGraceMinutes;
  if (grace <= 0) return undefined;
  const dueAt = Date.parse(doc.start) + grace * 60_000;
  const due: NoShowDueDocument = { id: noShowDueId(dueAt, doc.id), bookingId: doc.id, tenantId, spaceId: doc.spaceId, dueAt };
  tx.put(NO_SHOW_DUE, due.id, due);
  return due.id;
}

/** Every booking-side read model; all of it can be rebuilt from the event store's public streams. */
export const bookingReadModel: ProjectionDefinition = {
  name: 'booking_read_model',
  collections: [LOCATIONS, SPACES, BOOKINGS, TENANT_SETTINGS, NO_SHOW_DUE, RETENTION],
  handlers: {
    LocationCreated: (event, tx) => {
      const { locationId, name, timezone, bookableWeekdays, capacity } = event.data;
      const doc: LocationDocument = { id: locationId, tenantId: event.tenantId, name, timezone, bookableWeekdays, capacity: capacity ?? null, status: 'active' };
      tx.put(LOCATIONS, locationId, doc);
    },
    LocationUpdated: (event, tx) => {
      const changes = event.data;
      patch<LocationDocument>(tx, LOCATIONS, changes.locationId, (doc) => ({
        ...merged(doc, changes, ['name', 'timezone', 'bookableWeekdays']),
        capacity: changes.capacity === undefined ? doc.capacity : changes.capacity,
      }));
    },
    LocationDisabled: (event, tx) => patch<LocationDocument>(tx, LOCATIONS, event.data.locationId, (doc) => ({ ...doc, status: 'disabled' })),
    SpaceCreated: (event, tx) => {
      const { spaceId, ...rest } = event.data;
      tx.put(SPACES, spaceId, { ...rest, id: spaceId, tenantId: event.tenantId, status: 'active' });
    },
    SpaceUpdated: (event, tx) => {
      const changes = event.data;
      patch<SpaceDocument>(tx, SPACES, changes.spaceId, (doc) => merged(doc, changes, ['name', 'floor', 'zone']));
    },
    SpaceDisabled: (event, tx) => patch<SpaceDocument>(tx, SPACES, event.data.spaceId, (doc) => ({ ...doc, status: 'disabled' })),
    BookingPolicyChanged: (event, tx) => {
      const grace = event.data.checkInGraceMinutes;
      if (typeof grace === 'number') tx.put(TENANT_SETTINGS, event.tenantId, { ...settingsOf(tx, event.tenantId), checkInGraceMinutes: grace });
    },
    BookingVisibilityChanged: (event, tx) => {
      tx.put(TENANT_SETTINGS, event.tenantId, { ...settingsOf(tx, event.tenantId), bookingVisibility: event.data.bookingVisibility });
    },
    BookingRetentionChanged: (event, tx) => {
      const days = event.data.anonymizeBookingsAfterDays;
      if (days === null) tx.delete(RETENTION, event.tenantId);
      else tx.put(RETENTION, event.tenantId, { id: event.tenantId, anonymizeBookingsAfterDays: days } satisfies RetentionDocument);
    },
    BookingConfirmed: (event, tx) => {
      const { bookingId, spaceId, kind, start, end, bookedBy, subject } = event.data;
      const locationId = tx.get<SpaceDocument>(SPACES, spaceId)?.locationId;
      const doc: BookingDocument = {
        id: bookingId,
        tenantId: event.tenantId,
        streamId: event.streamId,
        spaceId,
        ...(locationId === undefined ? {} : { locationId }),
        kind,
        start,
        end,
        status: 'confirmed',
        bookedBy,
        ...(subject === undefined ? {} : { subject }),
        version: 0,
      };
      const dueId = putNoShowDue(tx, event.tenantId, doc);
      if (dueId !== undefined) doc.noShowDueId = dueId;
      tx.put(BOOKINGS, bookingId, doc);
    },
    // Editing a booking
    BookingRescheduled: (event, tx) => {
      const { bookingId, spaceId, kind, start, end, bookedBy, subject } = event.data;
      const found = tx.get<BookingDocument>(BOOKINGS, bookingId);
      if (!found) return;
      const { noShowDueId: due, locationId: _moved, ...doc } = found;
      if (due !== undefined) tx.delete(NO_SHOW_DUE, due);
      const locationId = tx.get<SpaceDocument>(SPACES, spaceId)?.locationId;
      // The booker and title come sealed again under the new end day's key (same stream, so the same associated data).
      const next: BookingDocument = {
        ...doc,
        spaceId,
        kind,
        start,
        end,
        ...(locationId === undefined ? {} : { locationId }),
        ...(bookedBy === undefined ? {} : { bookedBy }),
        ...nextVersion(doc),
      };
      if (subject !== undefined) next.subject = subject;
      else if (bookedBy !== undefined) delete next.subject;
      const dueId = doc.status === 'confirmed' ? putNoShowDue(tx, event.tenantId, next) : undefined;
      if (dueId !== undefined) next.noShowDueId = dueId;
      tx.put(BOOKINGS, bookingId, next);
    },
    // End of: Editing a booking
    BookingCheckedIn: bookingStatus('checked_in'),
    BookingCancelled: bookingStatus('cancelled'),
    BookingReleasedAsNoShow: bookingStatus('released'),
  },
};
