import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster } from './cluster.js';
import { bookingRequests, bookingRun } from './load.js';
import { cpuSecondsOf, machineTicks, memoryOf } from './memory.js';
import { pacedRun } from './paced.js';
import { analyticsBench, analyticsLine } from './analytics.js';
import { erasureRun } from './erasure.js';
import { mailLine, mailRun, startMailCounter, type MailCounter } from './mail.js';
import { cpuLine, erasureLine, machineLine, memoryLines, runLine, summaryLine, targetNotes } from './report.js';
import { seed } from './seed.js';
import { loadSettings, type BenchSettings } from './settings.js';

// e2e/dist/bench/run.js → the repository root, whose services/*/dist the bench runs.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

async function bench(settings: BenchSettings, cluster: Cluster, ready: Promise<void>, mail: MailCounter): Promise<void> {
  say(
    `bench: ${settings.connections} connections, ${settings.durationS}s per run (+${settings.warmupS}s warm-up), ` +
      `${settings.spaces} spaces, ${settings.people} people, ${settings.bookers} bookers, ${cpus().length} CPUs`,
  );
  await ready;
  say(`bench: plass is up on ${cluster.url}`);
  const seeded = await seed({ url: cluster.url, operatorToken: cluster.operatorToken, spaces: settings.spaces, people: settings.people, bookers: settings.bookers, progress: say });
  const requests = bookingRequests(seeded);
  const run = (title: string, durationS: number) => bookingRun({ url: cluster.url, requests, connections: settings.connections, durationS, title, progress: say });

  say(`bench: warm-up, ${settings.warmupS}s…`);
  say(runLine('warm-up', await run('warm-up', settings.warmupS)));
  say(`bench: peak run, ${settings.durationS}s at full speed…`);
  const peakCpu = cpuMeter(cluster, 'peak run');
  const peak = await run('peak', settings.durationS);
  say(runLine('peak', peak));
  for (const line of peakCpu(peak.booked)) say(line);
  if (peak.booked === 0) throw new Error('the peak run made no booking at all; see the non-2xx answers above');
  say(`bench: caught up in ${(await caughtUp(cluster.url, requests)).toFixed(1)}s (the read model has every booking of the peak run)`);
  const halfRate = settings.halfRate ?? Math.max(1, Math.round(peak.bookedPerSecond / 2));
  // BENCH_HALF_RATE replaces half the peak's rate: the run is then named for its rate alone.
  const halfTitle = settings.halfRate === undefined ? `half peak (${halfRate}/s)` : `paced run (${halfRate}/s, BENCH_HALF_RATE)`;
  say(`bench: ${halfTitle} run, ${settings.durationS}s at an even ${halfRate} requests/s…`);
  const halfCpu = cpuMeter(cluster, `${halfTitle} run`);
  const half = await pacedRun({
    url: cluster.url,
    requests,
    rate: halfRate,
    durationS: settings.durationS,
    connections: settings.connections,
    title: halfTitle,
    progress: say,
    timelineFile: settings.timelineFile,
  });
  say(runLine(halfTitle, half));
  for (const line of halfCpu(half.booked)) say(line);

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
async function caughtUp(url: string, requests: ReturnType<typeof bookingRequests>): Promise<number> {
  const started = performance.now();
  const { token, body } = requests.next();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${url}/v1/bookings`, { method: 'POST', headers, body });
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
  const dataDir = mkdtempSync(join(tmpdir(), 'plass-bench-'));
  // The notification service sends every mail to this counter, as it would to a provider.
  const mail = await startMailCounter();
  const { cluster, ready } = startCluster({ root, dataDir, progress: say, env: { PLASS_SMTP_PRIMARY_URL: `smtp://127.0.0.1:${mail.port}` } });
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= cluster
      .stop()
      .then(() => mail.close())
      .finally(() => rmSync(dataDir, { recursive: true, force: true })));
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      process.stderr.write(`bench: ${signal}, stopping…\n`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    await Promise.race([bench(settings, cluster, ready, mail), cluster.crashed]);
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
