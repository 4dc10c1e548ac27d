/**
 * What a slot search costs: a clinic of 50 providers (weekday hours in five US zones, days
 * off, 84 booked visits each), one visit type, four weeks searched across all providers.
 * Measured twice:
 * - the pure engine in this process (the 50 providers' inputs already in memory): time per
 *   whole search, p50/p99;
 * - through HTTP (GET /api/clinics/:clinicId/slots, licensing filter included) with
 *   autocannon: one connection (latency = time per search) and BENCH_SLOT_CONNECTIONS
 *   (default 4: a search keeps a core busy for tens of milliseconds, so more connections
 *   only queue behind each other).
 * Run: npm run bench:slots -w @openvisit/bench (BENCH_DATABASE_URL for PostgreSQL,
 * BENCH_DURATION_S to shorten).
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { bookableStarts } from '../server/src/modules/scheduling/slot-engine.js';
import { databaseLabel, durationS, saveResults, warmupS } from './support/bench-server.js';
import { startServerProcess } from './support/server-process.js';
import {
  benchProviders,
  PROVIDERS,
  SEARCH_DAYS,
  searchWindow,
  visitType,
} from './support/slot-world.js';

const loadConnections = Number(process.env.BENCH_SLOT_CONNECTIONS ?? 4);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (ms: number) => Math.round(ms * 100) / 100;

/** The engine alone: every provider's slots for the four weeks, as the service computes them. */
function engineSearch() {
  const now = new Date();
  const providers = benchProviders(now.getTime());
  const { from, to } = searchWindow(now.getTime());
  const search = () => {
    let slots = 0;
    for (const p of providers) {
      slots += bookableStarts({
        timeZone: p.timeZone,
        minimumNoticeMinutes: 0,
        bookingHorizonDays: 90,
        rules: p.rules,
        exceptions: p.timeOff.map((e) => ({ kind: 'time-off' as const, ...e })),
        busy: p.booked.map((b) => ({ from: b.startsAt, to: b.blockedUntil })),
        visit: visitType,
        from,
        to,
        now,
      }).length;
    }
    return slots;
  };
  // Warm-up, discarded (JIT, luxon's zone caches).
  const warmUntil = performance.now() + warmupS * 1000;
  while (performance.now() < warmUntil) search();
  const times: number[] = [];
  let slots = 0;
  const until = performance.now() + durationS * 1000;
  while (performance.now() < until || times.length < 20) {
    const start = performance.now();
    slots = search();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    measure: 'engine, in process',
    searches: times.length,
    'p50 ms': round(percentile(times, 50)),
    'p99 ms': round(percentile(times, 99)),
    'searches/s': Math.round(1000 / (times.reduce((a, b) => a + b, 0) / times.length)),
    slots,
  };
}

async function httpSearch() {
  const server = await startServerProcess('bench/support/slot-server.ts', { timeoutS: 180 });
  try {
    const { ready } = server;
    const url = `http://127.0.0.1:${ready.port}${ready.path}`;
    const check = await fetch(url, { headers: { cookie: ready.cookie } });
    const body = (await check.json()) as { providers?: { slots: string[] }[] };
    if (!check.ok || body.providers?.length !== PROVIDERS) {
      throw new Error(`unexpected answer ${check.status}: ${JSON.stringify(body).slice(0, 300)}`);
    }
    const slots = body.providers.reduce((n, p) => n + p.slots.length, 0);
    const rows = [];
    for (const load of [1, loadConnections]) {
      const options = { url, connections: load, headers: { cookie: ready.cookie } };
      await autocannon({ ...options, duration: warmupS });
      const result = await autocannon({ ...options, duration: durationS });
      rows.push({
        measure: `HTTP, ${load} connection${load > 1 ? 's' : ''}`,
        searches: result.requests.total,
        'p50 ms': result.latency.p50,
        'p99 ms': result.latency.p99,
        'searches/s': Math.round(result.requests.average),
        slots,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
      });
    }
    return rows;
  } finally {
    await server.stop();
  }
}

const engine = engineSearch();
const http = await httpSearch();
console.log(
  `\nSlot search, ${PROVIDERS} providers x ${SEARCH_DAYS} days, one visit type: ${databaseLabel}, ${durationS} s each, Node ${process.version}`,
);
console.table([engine, ...http]);
saveResults('slot-search', {
  durationS,
  connections: loadConnections,
  rows: [engine, ...http],
});
