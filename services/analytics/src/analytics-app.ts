import {
  DomainFailure,
  GetPrivacySettings,
  MAX_ANALYTICS_BUCKETS,
  MAX_ANALYTICS_RANGE_DAYS,
  domainError,
  type GetHeatmap,
  type GetPeaks,
  type GetUtilization,
  type RequestContext,
  type RequestOf,
  type ResponseOf,
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import { getDocuments, type ProjectionStore } from '@plass/projections';
import { DAY_MS, localDates } from './domain/local-time.js';
import { atomOf, groupKey, heatmapOf, peaksOf, utilizationOf, type LocationCells } from './domain/queries.js';
import {
  DAYS,
  LOCATIONS,
  LOCATION_DAYS,
  SPACES,
  dayDocId,
  locationDayDocId,
  type DayDocument,
  type LocationDayDocument,
  type LocationDocument,
  type SpaceDocument,
} from './projection.js';

const ANALYSTS = ['analyst', 'admin'];

/**
 * A location's spaces and the cells of the range's local dates, as the queries take them: each
 * space's (what a grouping by space needs), or each atom's from the location's day documents.
 */
export async function loadLocation(
  store: ProjectionStore,
  location: LocationDocument,
  spaces: readonly SpaceDocument[],
  window: { from: number; to: number },
  by: 'space' | 'atom' = 'space',
): Promise<LocationCells> {
  const own = spaces.filter((space) => space.locationId === location.locationId).map((space) => ({ ...space, locationId: location.locationId }));
  const dates = localDates(location.timezone, window.from, window.to);
  const cells: Array<[string, number, number[]]> = [];
  if (by === 'atom') {
    const days = await getDocuments<LocationDayDocument>(
      store,
      LOCATION_DAYS,
      dates.map((date) => locationDayDocId(location.tenantId, location.locationId, date)),
    );
    for (const day of days) for (const atom of day?.atoms ?? []) for (const hour in atom.cells) cells.push([atomOf(atom), Number(hour), atom.cells[hour]!]);
    return { location, spaces: own, by, cells };
  }
  const wanted = own.flatMap((space) => dates.map((date) => ({ spaceId: space.spaceId, id: dayDocId(location.tenantId, space.spaceId, date) })));
  const days = await getDocuments<DayDocument>(
    store,
    DAYS,
    wanted.map(({ id }) => id),
  );
  days.forEach((day, i) => {
    if (day) for (const hour in day.cells) cells.push([wanted[i]!.spaceId, Number(hour), day.cells[hour]!]);
  });
  return { location, spaces: own, by, cells };
}

/** Reads on the store in use now (a rebuild swaps it). */
export type ReadStore = <T>(fn: (store: ProjectionStore) => Promise<T>) => Promise<T>;

function requireAnalyst(ctx: RequestContext): void {
  if (!ctx.roles.some((role) => ANALYSTS.includes(role))) throw new DomainFailure(domainError('auth.forbidden', 'only analysts and admins read the statistics'));
}

function range({ from, to }: { from: string; to: string }): { from: number; to: number } {
  const [start, end] = [Date.parse(from), Date.parse(to)];
  if (!(end > start) || end - start > MAX_ANALYTICS_RANGE_DAYS * DAY_MS) {
    throw new DomainFailure(
      domainError('validation.failed', `to must be after from, at most ${MAX_ANALYTICS_RANGE_DAYS} days`, {
        errors: [{ path: 'to', message: `after from, at most ${MAX_ANALYTICS_RANGE_DAYS} days` }],
      }),
    );
  }
  return { from: start, to: end };
}

/**
 * The analysts' API over the projection. The minimum group size is read from booking on every
 * question, so a raised `analyticsMinGroupSize` is in force once its PATCH has answered.
 */
export class AnalyticsApp {
  constructor(private readonly deps: { read: ReadStore; bus: Pick<Bus, 'request'> }) {}

  async utilization(query: RequestOf<typeof GetUtilization>, ctx: RequestContext): Promise<ResponseOf<typeof GetUtilization>> {
    requireAnalyst(ctx);
    const window = range(query);
    if (query.floor !== undefined && query.groupBy !== 'floor' && query.groupBy !== 'space') {
      throw new DomainFailure(
        domainError('validation.failed', 'floor narrows groupBy floor or space only', { errors: [{ path: 'floor', message: 'only with groupBy floor or space' }] }),
      );
    }
    const [k, locations] = await Promise.all([this.minGroupSize(ctx), this.cells(ctx.tenantId, window, query.groupBy === 'space' ? 'space' : 'atom', query.locationId)]);
    const items = locations.flatMap((data) => {
      // A floor's buckets are computed with the whole location, so suppression is the same as without the filter.
      const onFloor =
        query.floor === undefined ? undefined : new Set(data.spaces.filter((space) => (space.floor ?? '-') === query.floor).map((space) => groupKey(space, query.groupBy)));
      return utilizationOf(data, { ...window, groupBy: query.groupBy, granularity: query.granularity, k, ...(onFloor ? { only: (key: string) => onFloor.has(key) } : {}) });
    });
    if (items.length > MAX_ANALYTICS_BUCKETS) {
      throw new DomainFailure(
        domainError('analytics.too_many_buckets', `at most ${MAX_ANALYTICS_BUCKETS} buckets in one answer`, { buckets: items.length, max: MAX_ANALYTICS_BUCKETS }),
      );
    }
    return { minGroupSize: k, items };
  }

  async heatmap(query: RequestOf<typeof GetHeatmap>, ctx: RequestContext): Promise<ResponseOf<typeof GetHeatmap>> {
    requireAnalyst(ctx);
    const window = range(query);
    const [k, [data]] = await Promise.all([this.minGroupSize(ctx), this.cells(ctx.tenantId, window, 'atom', query.locationId)]);
    return { locationId: query.locationId, floor: query.floor ?? null, minGroupSize: k, cells: heatmapOf(data!, { ...window, floor: query.floor, k }) };
  }

  async peaks(query: RequestOf<typeof GetPeaks>, ctx: RequestContext): Promise<ResponseOf<typeof GetPeaks>> {
    requireAnalyst(ctx);
    const window = range(query);
    const [k, locations] = await Promise.all([this.minGroupSize(ctx), this.cells(ctx.tenantId, window, 'atom')]);
    return { minGroupSize: k, items: locations.map((data) => peaksOf(data, { ...window, k })) };
  }

  private async minGroupSize(ctx: RequestContext): Promise<number> {
    return (await this.deps.bus.request(GetPrivacySettings, {}, { tenantId: ctx.tenantId, roles: [], correlationId: ctx.correlationId })).analyticsMinGroupSize;
  }

  /** The tenant's locations (or the one asked for: 404 if unknown) with their spaces and the cells of the range's local dates. */
  private cells(tenantId: string, window: { from: number; to: number }, by: 'space' | 'atom', locationId?: string): Promise<LocationCells[]> {
    return this.deps.read((store) => cellsOf(store, tenantId, window, by, locationId));
  }
}

async function cellsOf(store: ProjectionStore, tenantId: string, window: { from: number; to: number }, by: 'space' | 'atom', locationId?: string): Promise<LocationCells[]> {
  const locations = (await store.find<LocationDocument>(LOCATIONS, { tenantId })).filter((location) => locationId === undefined || location.locationId === locationId);
  if (locationId !== undefined && locations.length === 0) throw new DomainFailure(domainError('location.not_found', 'no such location'));
  const spaces = await store.find<SpaceDocument>(SPACES, locationId === undefined ? { tenantId } : { tenantId, locationId });
  return Promise.all(locations.map((location) => loadLocation(store, location, spaces, window, by)));
}
