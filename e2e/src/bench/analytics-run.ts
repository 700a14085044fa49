import { analyticsBench, analyticsLine } from './analytics.js';
import { loadSettings } from './settings.js';

/** `npm run bench:analytics`: the analytics part of the benchmark alone (BENCH_ANALYTICS_* as for `npm run bench`). */
const settings = loadSettings(process.env).analytics ?? { spaces: 1000, days: 365, queries: 100 };
const say = (line: string) => process.stdout.write(`${line}\n`);
say(`bench analytics: ${settings.spaces} spaces × ${settings.days} days, ${settings.queries} queries of each kind`);
say(analyticsLine(await analyticsBench(settings, say)));
