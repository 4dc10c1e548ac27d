/**
 * What the audit trail costs: throughput of a chart read (GET a patient's record as their
 * provider) with the real audit trail (one hash-chained event committed before each
 * response, group-committed across requests) and with auditing switched off, in one run,
 * as a ratio. Run: npm run bench:audit (BENCH_DATABASE_URL for PostgreSQL).
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

async function measure(mode: 'audited' | 'unaudited') {
  const server = await startServerProcess('bench/support/chart-server.ts', {
    args: mode === 'unaudited' ? ['--unaudited'] : [],
  });
  try {
    const { ready } = server;
    const options = {
      url: `http://127.0.0.1:${ready.port}${ready.path}`,
      connections,
      headers: { cookie: ready.cookie },
    };
    await autocannon({ ...options, duration: warmupS });
    const result = await autocannon({ ...options, duration: durationS });
    return {
      mode,
      'req/s': Math.round(result.requests.average),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  } finally {
    await server.stop();
  }
}

// Alternating rounds, best of each: the machine is shared and noisy, and whichever mode runs
// first also warms the database's caches.
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const results: Awaited<ReturnType<typeof measure>>[] = [];
for (let round = 0; round < rounds; round++) {
  results.push(await measure(round % 2 ? 'unaudited' : 'audited'));
  results.push(await measure(round % 2 ? 'audited' : 'unaudited'));
}
const best = (mode: string) =>
  results.filter((r) => r.mode === mode).sort((a, b) => b['req/s'] - a['req/s'])[0]!;
const audited = best('audited');
const unaudited = best('unaudited');
const ratio = (audited['req/s'] / unaudited['req/s']).toFixed(2);
console.log(
  `\nChart read with and without the audit trail: ${databaseLabel}, ${connections} connections, ${durationS} s each, Node ${process.version}`,
);
console.table(results);
console.log(`best audited ${audited['req/s']} req/s, best unaudited ${unaudited['req/s']} req/s`);
console.log(`audited / unaudited throughput: ${ratio}`);
saveResults('audit-overhead', { durationS, connections, rows: [audited, unaudited], ratio });
