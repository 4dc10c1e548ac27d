/**
 * HTTP baseline: autocannon against the built server on loopback, printing req/s and
 * p50/p99 latency per endpoint. Later capabilities are held to these figures.
 *
 *   npm run build && npm run bench
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ov_bench npm run bench
 *
 * The load generator shares the machine with the server (2 cores here), so compare rows
 * of one run as ratios rather than absolute numbers across machines.
 */
import autocannon from 'autocannon';
import {
  connections,
  databaseLabel,
  durationS,
  saveResults,
  warmupS,
  withBenchServer,
} from './support/bench-server.js';

const targets = [
  { name: 'GET /health/live (no I/O)', path: '/health/live' },
  { name: 'GET /health/ready (DB round trip)', path: '/health/ready' },
  { name: 'GET /api/clinics/:slug (DB query)', path: '/api/clinics/demo-clinic' },
];

await withBenchServer(async (base) => {
  const rows = [];
  for (const target of targets) {
    // Warm-up, discarded: the first seconds measure the JIT compiler, not the server.
    await autocannon({ url: `${base}${target.path}`, connections, duration: warmupS });
    const result = await autocannon({
      url: `${base}${target.path}`,
      connections,
      duration: durationS,
    });
    rows.push({
      endpoint: target.name,
      'req/s': Math.round(result.requests.average),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
    });
  }
  const liveRate = rows[0]!['req/s'];
  const table = rows.map((row) => ({ ...row, 'vs live': (row['req/s'] / liveRate).toFixed(2) }));
  console.log(
    `\nHTTP baseline: ${databaseLabel}, ${connections} connections, ${durationS} s each, Node ${process.version}`,
  );
  console.table(table);
  saveResults('http-baseline', { durationS, connections, rows: table });
});
