import { GetHeatmap, GetPeaks, GetRebuild, GetUtilization, StartRebuild, type ResponseOf } from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { RouteAnswer, RouteHandlers } from './route-handlers.js';

export type AnalyticsRouteId = 'getUtilization' | 'getHeatmap' | 'getPeaks' | 'startAnalyticsRebuild' | 'getAnalyticsRebuild';

const CSV = 'text/csv; charset=utf-8; header=present';

type Value = string | number | boolean | null | undefined;

/** One RFC 4180 field: quoted when it holds a comma, quote or line break; text a spreadsheet would run as a formula is defused. */
function field(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row and one row per item, CRLF-terminated (RFC 4180). */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, Value>>): string {
  return [columns, ...rows.map((row) => columns.map((column) => row[column]))].map((cells) => `${cells.map((cell) => field(cell)).join(',')}\r\n`).join('');
}

const wantsCsv = (accept: string | undefined) => accept !== undefined && /(^|,)\s*text\/csv/i.test(accept);

const UTILIZATION_COLUMNS = [
  'locationId',
  'key',
  'start',
  'bookedMinutes',
  'checkedInMinutes',
  'capacityMinutes',
  'occupancy',
  'checkInRate',
  'bookings',
  'cancellations',
  'noShows',
  'noShowRate',
  'suppressed',
];
const HEATMAP_COLUMNS = ['locationId', 'floor', 'weekday', 'hour', 'bookedMinutes', 'capacityMinutes', 'occupancy', 'suppressed'];
const PEAKS_COLUMNS = ['locationId', 'busiestWeekday', 'busiestHour', 'busiestHourOccupancy', 'busiestDate', 'busiestDayOccupancy', 'suppressed'];

function answer<T>(body: T, accept: string | undefined, csv: (body: T) => string): RouteAnswer {
  return wantsCsv(accept) ? { body: csv(body), contentType: CSV } : { body };
}

const peaksCsv = ({ items }: ResponseOf<typeof GetPeaks>) =>
  toCsv(
    PEAKS_COLUMNS,
    items.map((item) => ({
      locationId: item.locationId,
      busiestWeekday: item.busiestHour?.weekday,
      busiestHour: item.busiestHour?.hour,
      busiestHourOccupancy: item.busiestHour?.occupancy,
      busiestDate: item.busiestDay?.date,
      busiestDayOccupancy: item.busiestDay?.occupancy,
      suppressed: item.busiestHour === null && item.busiestDay === null,
    })),
  );

/** The analysts' routes: JSON, or CSV with `Accept: text/csv`. */
export function analyticsHandlers(bus: Pick<Bus, 'request'>): Pick<RouteHandlers, AnalyticsRouteId> {
  return {
    getUtilization: async ({ query, ctx, accept }) => answer(await bus.request(GetUtilization, query, ctx), accept, ({ items }) => toCsv(UTILIZATION_COLUMNS, items)),
    getHeatmap: async ({ query, ctx, accept }) =>
      answer(await bus.request(GetHeatmap, query, ctx), accept, ({ locationId, floor, cells }) =>
        toCsv(
          HEATMAP_COLUMNS,
          cells.map((cell) => ({ locationId, floor, ...cell })),
        ),
      ),
    getPeaks: async ({ query, ctx, accept }) => answer(await bus.request(GetPeaks, query, ctx), accept, peaksCsv),
    startAnalyticsRebuild: async ({ ctx }) => {
      const rebuild = await bus.request(StartRebuild, {}, ctx);
      return { body: rebuild, location: `/v1/analytics/rebuild/${rebuild.id}` };
    },
    getAnalyticsRebuild: async ({ params, ctx }) => ({ body: await bus.request(GetRebuild, { rebuildId: params.id }, ctx) }),
  };
}
