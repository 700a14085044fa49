import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHistory } from '@plass/booking';
import { createLogger } from '@plass/telemetry';
import { startCluster, type Cluster } from './cluster.js';
import { bookingRequests, bookingRun, type BookingRequests, type RunFigures } from './load.js';
import { cpuSecondsOf, machineTicks, memoryOf, speedProbe } from './memory.js';
import { pacedRun } from './paced.js';
import { analyticsBench, analyticsLine } from './analytics.js';
import { erasureRun } from './erasure.js';
import { confirmationsArrived, mailLine, mailRun, startMailCounter, type MailCounter } from './mail.js';
import { cpuLine, erasureLine, historyComparison, historyLine, machineLine, memoryLines, runLine, summaryLine, targetNotes } from './report.js';
import { refreshTokens, seed } from './seed.js';
import { loadSettings, type BenchSettings } from './settings.js';

// e2e/dist/bench/run.js → the repository root, whose services/*/dist the bench runs.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

interface PassFigures {
  peak: RunFigures;
  half: RunFigures;
  /** The paced run's asked rate, requests/s. */
  asked: number;
  /** Peak resident set of the booking service during the pass, bytes. */
  bookingPeak: number | undefined;
}

const probeLine = (before: string) => `bench: machine speed before ${before}: ${speedProbe().toFixed(0)} ms for a fixed single-core task (lower is faster)`;

/** Warm-up, peak and paced runs on a seeded cluster; the paced run at `halfRate` when given, else half the peak. */
async function loadRuns(
  settings: BenchSettings,
  cluster: Cluster,
  requests: BookingRequests,
  mail: MailCounter,
  halfRate?: number,
): Promise<{ peak: RunFigures; half: RunFigures; asked: number }> {
  const run = (title: string, durationS: number) => bookingRun({ url: cluster.url, requests, connections: settings.connections, durationS, title, progress: say });
  const confirmedBefore = mail.confirmedAt.size;
  say(`bench: warm-up, ${settings.warmupS}s…`);
  const warmUp = await run('warm-up', settings.warmupS);
  say(runLine('warm-up', warmUp));
  say(probeLine('the peak run'));
  say(`bench: peak run, ${settings.durationS}s at full speed…`);
  const peakCpu = cpuMeter(cluster, 'peak run');
  const peak = await run('peak', settings.durationS);
  say(runLine('peak', peak));
  for (const line of peakCpu(peak.booked)) say(line);
  if (peak.booked === 0) throw new Error('the peak run made no booking at all; see the non-2xx answers above');
  say(`bench: caught up in ${(await caughtUp(cluster.url, requests)).toFixed(1)}s (the read model has every booking of the peak run)`);
  // The peak run's confirmations are composed and sent after it (notification yields the CPU to
  // the request path, ADR 0020): the paced run must not pay for them. At most two minutes: after a
  // long peak run (BENCH_DURATION=120) the rest is its to bear.
  const sentBefore = mail.count();
  const { waitedS, missing } = await confirmationsArrived(mail, confirmedBefore + warmUp.booked + peak.booked, 120);
  say(
    `bench: the peak run's mails sent in ${waitedS.toFixed(1)}s more (${(mail.count() - sentBefore).toLocaleString('en')} mails)` +
      (missing > 0 ? `; ${missing.toLocaleString('en')} confirmations still queued, sent during the paced run` : ''),
  );
  const rate = halfRate ?? settings.halfRate ?? Math.max(1, Math.round(peak.bookedPerSecond / 2));
  // BENCH_HALF_RATE replaces half the peak's rate: the run is then named for its rate alone.
  const halfTitle =
    halfRate !== undefined ? `half peak of the empty store (${rate}/s)` : settings.halfRate === undefined ? `half peak (${rate}/s)` : `paced run (${rate}/s, BENCH_HALF_RATE)`;
  say(probeLine(`the ${halfTitle} run`));
  say(`bench: ${halfTitle} run, ${settings.durationS}s at an even ${rate} requests/s…`);
  const halfCpu = cpuMeter(cluster, `${halfTitle} run`);
  const half = await pacedRun({
    url: cluster.url,
    requests,
    rate,
    durationS: settings.durationS,
    connections: settings.connections,
    title: halfTitle,
    progress: say,
    timelineFile: settings.timelineFile,
  });
  say(runLine(halfTitle, half));
  for (const line of halfCpu(half.booked)) say(line);
  return { peak, half, asked: rate };
}

const bookingPeakOf = (cluster: Cluster) => {
  const booking = cluster.members().find((member) => member.name === 'booking');
  return booking ? memoryOf(booking.pid)?.peak : undefined;
};

async function emptyStorePass(settings: BenchSettings, cluster: Cluster, ready: Promise<void>, mail: MailCounter): Promise<PassFigures> {
  say(
    `bench: ${settings.connections} connections, ${settings.durationS}s per run (+${settings.warmupS}s warm-up), ` +
      `${settings.spaces} spaces, ${settings.people} people, ${settings.bookers} bookers, ${cpus().length} CPUs`,
  );
  await ready;
  say(`bench: plass is up on ${cluster.url}`);
  const seeded = await seed({ url: cluster.url, operatorToken: cluster.operatorToken, spaces: settings.spaces, people: settings.people, bookers: settings.bookers, progress: say });
  const requests = bookingRequests(seeded);
  const { peak, half, asked } = await loadRuns(settings, cluster, requests, mail);

  const erasure = await erasureRun({ url: cluster.url, adminToken: seeded.tokens[0]!, count: settings.erasures, nextBooking: () => requests.next(), progress: say });
  say(erasureLine(erasure));
  say(mailLine(await mailRun({ url: cluster.url, counter: mail, count: settings.mails, concurrency: 4, nextBooking: () => requests.next(), progress: say })));

  const memory = cluster.members().map((member) => ({ name: member.name, memory: memoryOf(member.pid) }));
  say('bench: memory (current / peak resident set per process):');
  for (const line of memoryLines(memory)) say(line);
  for (const note of targetNotes(peak, half, erasure, settings.halfRate !== undefined)) say(note);
  say(summaryLine(peak, half, memory, erasure));
  if (settings.analytics) {
    say(`bench: analytics, ${settings.analytics.spaces} spaces × ${settings.analytics.days} days of bookings through the event store…`);
    say(analyticsLine(await analyticsBench(settings.analytics, say)));
  }
  return { peak, half, asked, bookingPeak: bookingPeakOf(cluster) };
}

/**
 * The same runs on a store that already holds `BENCH_HISTORY_DAYS` of bookings, written by the
 * booking service's own use case straight into its event store while it is stopped, then every
 * service restarted (cold caches). The paced run asks the empty store's half-peak rate, so both
 * runs are compared at one load.
 */
async function historyPass(settings: BenchSettings, cluster: Cluster, ready: Promise<void>, dataDir: string, mail: MailCounter, empty: PassFigures): Promise<PassFigures> {
  const days = settings.historyDays;
  await ready;
  say(`bench: history: a second plass on a new data dir, ${days} days × ${settings.spaces} spaces of bookings before the runs`);
  const seeded = await seed({ url: cluster.url, operatorToken: cluster.operatorToken, spaces: settings.spaces, people: settings.people, bookers: settings.bookers, progress: say });
  const requests = bookingRequests(seeded);
  // One booking for the last person, read back: booking's read model knows every person it books for.
  await caughtUp(cluster.url, requests, seeded.peopleIds.length);
  await cluster.stopService('booking');
  const logger = createLogger({ service: 'booking-history', level: 'warn', file: join(dataDir, 'logs', 'booking-history.log') });
  const written = await writeHistory({
    natsUrl: cluster.natsUrl,
    dataDir,
    eventStore: 'sqlite',
    projectionStore: 'sqlite',
    tenantId: seeded.tenantId,
    adminId: seeded.bookerIds[0]!,
    spaceIds: seeded.spaceIds,
    peopleIds: seeded.peopleIds,
    days,
    until: new Date(),
    progress: say,
    logger,
  });
  say(historyLine(written));
  say('bench: history: restarting every service (cold caches)…');
  const restartedAt = performance.now();
  await cluster.restartServices();
  say(`bench: history: plass is up again in ${((performance.now() - restartedAt) / 1000).toFixed(1)}s`);
  await refreshTokens(cluster.url, seeded);
  const { peak, half, asked } = await loadRuns(settings, cluster, requests, mail, empty.asked);
  const memory = cluster.members().map((member) => ({ name: member.name, memory: memoryOf(member.pid) }));
  say('bench: history: memory (current / peak resident set per process, since the restart):');
  for (const line of memoryLines(memory)) say(line);
  return { peak, half, asked, bookingPeak: bookingPeakOf(cluster) };
}

/**
 * From now until the returned function is called: the CPU each member, and the bench itself (the
 * load generator shares the machine), spent per booking, and how busy the machine was.
 */
function cpuMeter(cluster: Cluster, run: string): (booked: number) => string[] {
  const members = cluster.members();
  const before = members.map((member) => cpuSecondsOf(member.pid) ?? NaN);
  const benchBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  return (booked) => {
    const bench = process.cpuUsage(benchBefore);
    const used = [
      ...members.map((member, i) => ({ name: member.name, seconds: (cpuSecondsOf(member.pid) ?? NaN) - before[i]! })),
      { name: 'load generator', seconds: (bench.user + bench.system) / 1e6 },
    ];
    const machine = machineLine(run, machineBefore, machineTicks());
    return [cpuLine(run, used, booked), ...(machine ? [machine] : [])];
  };
}

/**
 * Waits until plass has worked off the peak run (relay and projections behind the writes), so the
 * half-peak run measures its own load: one more booking, read back once the read model has it.
 */
async function caughtUp(url: string, requests: BookingRequests, skip = 0): Promise<number> {
  const started = performance.now();
  for (let i = 1; i < skip; i += 1) requests.next();
  const { token, body } = requests.next();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let created = await fetch(`${url}/v1/bookings`, { method: 'POST', headers, body });
  // Just seeded, the person may not be in booking's directory yet (identity's events on their way).
  while (created.status === 404 && performance.now() - started < 60_000) {
    await created.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    created = await fetch(`${url}/v1/bookings`, { method: 'POST', headers, body });
  }
  if (created.status !== 201) throw new Error(`the catch-up booking failed: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  for (;;) {
    const read = await fetch(`${url}/v1/bookings/${id}`, { headers: { authorization: headers.authorization } });
    await read.body?.cancel();
    if (read.status === 200) return (performance.now() - started) / 1000;
    if (performance.now() - started > 120_000) throw new Error('plass did not catch up with the peak run within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<number> {
  let settings: BenchSettings;
  try {
    settings = loadSettings(process.env);
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  // The notification service sends every mail to this counter, as it would to a provider.
  const mail = await startMailCounter();
  let current: { cluster: Cluster; dataDir: string } | undefined;
  const withCluster = async <T>(pass: (cluster: Cluster, ready: Promise<void>, dataDir: string) => Promise<T>): Promise<T> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'plass-bench-'));
    const { cluster, ready } = startCluster({ root, dataDir, progress: say, env: { PLASS_SMTP_PRIMARY_URL: `smtp://127.0.0.1:${mail.port}` } });
    current = { cluster, dataDir };
    try {
      return await Promise.race([pass(cluster, ready, dataDir), cluster.crashed]);
    } finally {
      await stopCurrent();
    }
  };
  const stopCurrent = async () => {
    const stopping = current;
    current = undefined;
    if (stopping) await stopping.cluster.stop().finally(() => rmSync(stopping.dataDir, { recursive: true, force: true }));
  };
  let cleaned: Promise<void> | undefined;
  const cleanUp = () => (cleaned ??= stopCurrent().finally(() => mail.close()));
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      process.stderr.write(`bench: ${signal}, stopping…\n`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    const empty = await withCluster((cluster, ready) => emptyStorePass(settings, cluster, ready, mail));
    if (settings.historyDays > 0) {
      const history = await withCluster((cluster, ready, dataDir) => historyPass(settings, cluster, ready, dataDir, mail, empty));
      for (const line of historyComparison(empty, history, settings.durationS)) say(line);
    }
    return 0;
  } catch (error) {
    // Stopping the services under a running step fails it; that failure is the signal's, not news.
    if (interrupted) return 130;
    process.stderr.write(`bench: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await cleanUp();
  }
}

process.exitCode = await main();
