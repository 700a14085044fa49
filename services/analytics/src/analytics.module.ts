import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Bus, ensureStreams, type EventConsumer } from '@plass/bus';
import {
  DomainFailure,
  GetHeatmap,
  GetPeaks,
  GetRebuild,
  GetUtilization,
  StartRebuild,
  Subjects,
  domainError,
  exportSubject,
  forgetSubject,
  type RequestContext,
  type ResponseOf,
} from '@plass/contracts';
import { projectFromJetStream } from '@plass/projections';
import type { Logger } from '@plass/telemetry';
import { AnalyticsApp } from './analytics-app.js';
import { SwappableProjection, type RebuildProgress } from './rebuild.js';
import { generationsOf, openAnalyticsStore, openBookingEvents, type StoreConfig } from './stores.js';

export interface AnalyticsModuleOptions extends StoreConfig {
  natsUrl: string;
  logger: Logger;
  now?: () => Date;
}

export const OPTIONS = Symbol('ANALYTICS_OPTIONS');
export const BUS = Symbol('BUS');
export const PROJECTION = Symbol('ANALYTICS_PROJECTION');

const ForgetAnalyticsSubject = forgetSubject('analytics');
const ExportAnalyticsSubject = exportSubject('analytics');

type RebuildView = ResponseOf<typeof StartRebuild>;

/**
 * Consumes booking's events (durable `analytics-utilization`) into the projection, answers the
 * analysts' questions, takes part in erasure and export (it holds nothing of anyone: its receipt
 * says so at once), and rebuilds on an admin's request.
 */
@Injectable()
export class AnalyticsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: EventConsumer | undefined;
  private readonly rebuilds = new Map<string, RebuildView & { tenantId: string }>();
  private running: Promise<RebuildProgress> | undefined;
  readonly app: AnalyticsApp;

  constructor(
    @Inject(OPTIONS) private readonly options: AnalyticsModuleOptions,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(PROJECTION) readonly projection: SwappableProjection,
  ) {
    this.app = new AnalyticsApp({ read: (fn) => projection.read(fn), bus });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureStreams(this.bus);
    this.consumer = await projectFromJetStream(this.bus, this.projection, { durable: 'analytics-utilization', filterSubject: Subjects.eventsOfContext('booking') });
    this.bus.handle(GetUtilization, (query, ctx) => this.app.utilization(query, ctx));
    this.bus.handle(GetHeatmap, (query, ctx) => this.app.heatmap(query, ctx));
    this.bus.handle(GetPeaks, (query, ctx) => this.app.peaks(query, ctx));
    this.bus.handle(StartRebuild, async (_request, ctx) => this.startRebuild(ctx));
    this.bus.handle(GetRebuild, async ({ rebuildId }, ctx) => this.getRebuild(rebuildId, ctx));
    // By construction analytics holds no personal data: there is nothing to forget or export.
    this.bus.handle(ForgetAnalyticsSubject, async () => ({ service: 'analytics', acknowledgedAt: this.now().toISOString() }));
    this.bus.handle(ExportAnalyticsSubject, async () => ({ service: 'analytics', sections: {} }));
    this.bus.serveHealth();
    await this.bus.flush();
    this.options.logger.info('analytics service is serving');
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Replays booking's events into a fresh store and swaps it in (one at a time; `onProgress` for a terminal). */
  rebuild(onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress> {
    if (!this.running) {
      this.running = this.projection.rebuild({ open: () => openBookingEvents(this.options) }, onProgress).finally(() => (this.running = undefined));
    }
    return this.running;
  }

  private startRebuild(ctx: RequestContext): RebuildView {
    if (!ctx.roles.includes('admin') && !ctx.roles.includes('operator')) throw new DomainFailure(domainError('auth.forbidden', 'only admins rebuild the statistics'));
    const view = { id: randomUUID(), status: 'running' as const, startedAt: this.now().toISOString(), finishedAt: null, events: 0, total: 0, tenantId: ctx.tenantId };
    this.rebuilds.set(view.id, view);
    const { tenantId: _tenant, ...answer } = view;
    void this.rebuild((progress) => this.rebuilds.set(view.id, { ...this.rebuilds.get(view.id)!, events: progress.events, total: progress.total })).then(
      (progress) => this.rebuilds.set(view.id, { ...this.rebuilds.get(view.id)!, status: 'completed', events: progress.events, finishedAt: this.now().toISOString() }),
      (error: unknown) => {
        this.options.logger.error({ err: error }, 'analytics rebuild failed');
        this.rebuilds.set(view.id, { ...this.rebuilds.get(view.id)!, status: 'failed', finishedAt: this.now().toISOString() });
      },
    );
    return answer;
  }

  private getRebuild(rebuildId: string, ctx: RequestContext): RebuildView {
    const found = this.rebuilds.get(rebuildId);
    if (!found || found.tenantId !== ctx.tenantId) throw new DomainFailure(domainError('analytics.rebuild_not_found', 'no such rebuild'));
    const { tenantId: _tenant, ...view } = found;
    return view;
  }

  /** Resolves once the consumer has applied every booking event JetStream holds. */
  async settled(): Promise<boolean> {
    return (await this.consumer?.caughtUp()) ?? false;
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.running?.catch(() => undefined);
      await this.bus.close();
    } finally {
      await this.projection.current().close();
    }
  }
}

@Module({})
export class AnalyticsModule {
  static forRoot(options: AnalyticsModuleOptions): DynamicModule {
    return {
      module: AnalyticsModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: BUS, useFactory: () => Bus.connect({ servers: options.natsUrl, name: 'analytics', logger: options.logger }) },
        {
          provide: PROJECTION,
          useFactory: async () => {
            const generations = generationsOf(options);
            return new SwappableProjection(await openAnalyticsStore(options, generations.current()), generations, options.logger);
          },
        },
        AnalyticsLifecycle,
      ],
    };
  }
}
