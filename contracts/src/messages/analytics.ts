import { z } from 'zod';
import { Timestamp, Uuid } from '../envelope.js';
import { defineRequest } from './define.js';

/**
 * The analytics service's API: anonymous utilization statistics, computed from booking's events
 * without ever reading a booker or a title (ADR 0015). Numbers are `null` where a cell is
 * suppressed (fewer distinct bookings than the tenant's `analyticsMinGroupSize`).
 */

export const MAX_ANALYTICS_RANGE_DAYS = 400;
/** Buckets in one answer at most: an answer is one NATS message (1 MB). */
export const MAX_ANALYTICS_BUCKETS = 2500;

export const AnalyticsGroupBy = z.enum(['location', 'floor', 'zone', 'kind', 'space']);
export type AnalyticsGroupBy = z.infer<typeof AnalyticsGroupBy>;
export const AnalyticsGranularity = z.enum(['hour', 'day', 'week', 'month']);
export type AnalyticsGranularity = z.infer<typeof AnalyticsGranularity>;

const Measure = z.number().nullable();

export const UtilizationBucket = z.object({
  /** The group: a location, floor, zone, kind or space id; floors and zones are `<locationId>/<name>` (`-` for none). */
  key: z.string(),
  locationId: Uuid,
  /** The bucket's first instant; day, week (ISO, Monday) and month boundaries are the location's local midnight. */
  start: Timestamp,
  bookedMinutes: Measure,
  checkedInMinutes: Measure,
  capacityMinutes: z.number(),
  /** bookedMinutes / capacityMinutes. */
  occupancy: Measure,
  /** checkedInMinutes / bookedMinutes. */
  checkInRate: Measure,
  bookings: Measure,
  cancellations: Measure,
  noShows: Measure,
  /** noShows / bookings. */
  noShowRate: Measure,
  suppressed: z.boolean(),
});
export type UtilizationBucket = z.infer<typeof UtilizationBucket>;

export const UtilizationQuery = z.object({
  from: Timestamp,
  to: Timestamp,
  groupBy: AnalyticsGroupBy,
  granularity: AnalyticsGranularity,
  locationId: Uuid.optional(),
  /** Only this floor's spaces (with `locationId`). */
  floor: z.string().max(100).optional(),
});
export const GetUtilization = defineRequest('analytics.qry.Utilization', UtilizationQuery, z.object({ minGroupSize: z.number().int(), items: z.array(UtilizationBucket) }));

export const HeatmapCell = z.object({
  /** ISO weekday, Monday = 1. */
  weekday: z.number().int().min(1).max(7),
  /** Local hour of the location, 0–23. */
  hour: z.number().int().min(0).max(23),
  bookedMinutes: Measure,
  capacityMinutes: z.number(),
  occupancy: Measure,
  suppressed: z.boolean(),
});
export const HeatmapQuery = z.object({ from: Timestamp, to: Timestamp, locationId: Uuid, floor: z.string().max(100).optional() });
export const GetHeatmap = defineRequest(
  'analytics.qry.Heatmap',
  HeatmapQuery,
  z.object({ locationId: Uuid, floor: z.string().nullable(), minGroupSize: z.number().int(), cells: z.array(HeatmapCell) }),
);

export const PeaksQuery = z.object({ from: Timestamp, to: Timestamp });
export const LocationPeaks = z.object({
  locationId: Uuid,
  /** The weekday × local hour with the highest occupancy among those not suppressed. */
  busiestHour: z.object({ weekday: z.number().int(), hour: z.number().int(), occupancy: z.number() }).nullable(),
  /** The local date with the highest occupancy among those not suppressed. */
  busiestDay: z.object({ date: z.string(), occupancy: z.number() }).nullable(),
});
export const GetPeaks = defineRequest('analytics.qry.Peaks', PeaksQuery, z.object({ minGroupSize: z.number().int(), items: z.array(LocationPeaks) }));

export const RebuildStatus = z.enum(['running', 'completed', 'failed']);
export const RebuildView = z.object({
  id: Uuid,
  status: RebuildStatus,
  startedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  /** Booking's events replayed so far, of `total` (0 while they are being counted). */
  events: z.number().int(),
  total: z.number().int(),
});
export const StartRebuild = defineRequest('analytics.cmd.StartRebuild', z.object({}), RebuildView);
export const GetRebuild = defineRequest('analytics.qry.GetRebuild', z.object({ rebuildId: Uuid }), RebuildView);
