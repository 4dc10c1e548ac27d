/**
 * What reading a chart costs, part by part: throughput of Dr. Chen reading James's record
 * summary, profile, health history and insurance (each member id decrypted on the way out),
 * every read audited, in one run, each part as a ratio of the summary read.
 * Run: npm run bench:chart (BENCH_DATABASE_URL for PostgreSQL).
 */
import autocannon from 'autocannon';
import {
  connections,
  databaseLabel,
  durationS,
  saveResults,
  warmupS,
} from './support/bench-server.js';
import { startServerProcess } from './support/server-process.js';

const parts = [
  { part: 'summary', suffix: '' },
  { part: 'profile', suffix: '/profile' },
  { part: 'health history', suffix: '/health-items' },
  { part: 'insurance (decrypts)', suffix: '/insurance' },
];

const server = await startServerProcess('bench/support/chart-server.ts', {
  env: { ...process.env, BENCH_PATIENT: 'james' },
});
const rows = [];
try {
  const { ready } = server;
  for (const { part, suffix } of parts) {
    const options = {
      url: `http://127.0.0.1:${ready.port}${ready.path}${suffix}`,
      connections,
      headers: { cookie: ready.cookie },
    };
    await autocannon({ ...options, duration: warmupS });
    const result = await autocannon({ ...options, duration: durationS });
    rows.push({
      part,
      'req/s': Math.round(result.requests.average),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    });
  }
} finally {
  await server.stop();
}
const summary = rows[0]!['req/s'];
const table = rows.map((r) => ({ ...r, 'vs summary': (r['req/s'] / summary).toFixed(2) }));
console.log(
  `\nChart reads by part (audited): ${databaseLabel}, ${connections} connections, ${durationS} s each, Node ${process.version}`,
);
console.table(table);
saveResults('chart-reads', { durationS, connections, rows: table });
