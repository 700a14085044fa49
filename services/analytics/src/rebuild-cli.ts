import { randomUUID } from 'node:crypto';
import { Bus } from '@plass/bus';
import { GetRebuild, OPERATOR, PLATFORM_TENANT, StartRebuild, type RequestContext } from '@plass/contracts';
import { createLogger } from '@plass/telemetry';
import { SwappableProjection } from './rebuild.js';
import { generationsOf, openAnalyticsStore, openBookingEvents, type StoreConfig } from './stores.js';

/**
 * `npm run analytics:rebuild`: replays booking's events into a fresh statistics store and swaps
 * it in. With the analytics service running (NATS_URL), the service does it, so its live events
 * keep their order; without one, this process does it on the files of PLASS_DATA_DIR. Either way
 * a progress bar shows events/s and the time left (one line per 10 % when not on a terminal).
 */

const env = process.env;
const config: StoreConfig = {
  dataDir: env.PLASS_DATA_DIR ?? '.data',
  eventStore: env.PLASS_EVENTSTORE === 'kurrentdb' ? 'kurrentdb' : 'sqlite',
  kurrentdbUrl: env.KURRENTDB_URL,
  projectionStore: env.PLASS_PROJECTION_STORE === 'mongodb' ? 'mongodb' : 'sqlite',
  mongodbUrl: env.MONGODB_URL,
};

const tty = process.stdout.isTTY === true;
let lastTenth = -1;

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const whole = Math.max(0, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export function progressLine(events: number, total: number, elapsedMs: number, width = 30): string {
  const share = total > 0 ? Math.min(1, events / total) : 0;
  const rate = elapsedMs > 0 ? (events / elapsedMs) * 1000 : 0;
  const filled = Math.round(share * width);
  const eta = rate > 0 && total > 0 ? (total - events) / rate : Number.NaN;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${events.toLocaleString('en')}/${total.toLocaleString('en')} events · ${Math.round(rate).toLocaleString('en')} events/s · ETA ${clock(eta)}`;
}

function show(events: number, total: number, elapsedMs: number): void {
  const line = progressLine(events, total, elapsedMs);
  if (tty) {
    process.stdout.write(`\r${line}`);
    return;
  }
  const tenth = total > 0 ? Math.floor((events / total) * 10) : 0;
  if (tenth !== lastTenth) {
    lastTenth = tenth;
    process.stdout.write(`${line}\n`);
  }
}

async function viaService(bus: Bus): Promise<boolean> {
  if (!(await bus.isServing('analytics'))) return false;
  const ctx: RequestContext = { tenantId: PLATFORM_TENANT, roles: [OPERATOR], correlationId: randomUUID() };
  const started = await bus.request(StartRebuild, {}, ctx);
  const begun = Date.now();
  for (;;) {
    const view = await bus.request(GetRebuild, { rebuildId: started.id }, ctx);
    show(view.events, view.total, Date.now() - begun);
    if (view.status === 'failed') throw new Error('the analytics service reports the rebuild failed; see its log');
    if (view.status === 'completed') return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function offline(): Promise<void> {
  const logger = createLogger({ service: 'analytics-rebuild', level: 'warn' });
  const generations = generationsOf(config);
  const projection = new SwappableProjection(await openAnalyticsStore(config, generations.current()), generations, logger);
  const begun = Date.now();
  await projection.rebuild({ open: () => openBookingEvents(config) }, (progress) => show(progress.events, progress.total, Date.now() - begun));
  await projection.current().close();
}

async function main(): Promise<void> {
  const began = Date.now();
  let bus: Bus | undefined;
  try {
    bus = await Bus.connect({ servers: env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'analytics-rebuild' });
  } catch {
    bus = undefined;
  }
  const served = bus ? await viaService(bus) : false;
  await bus?.close();
  if (!served) await offline();
  process.stdout.write(`${tty ? '\n' : ''}analytics rebuilt ${served ? 'by the running service' : `in ${config.dataDir}`} in ${clock((Date.now() - began) / 1000)}\n`);
}

if (process.argv[1]?.endsWith('rebuild-cli.js')) {
  main().catch((error: unknown) => {
    process.stderr.write(`analytics rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
