/**
 * Sign-in cost: the argon2id hash time (m=19 MiB, t=2, p=1) in this process, and the
 * throughput of POST /api/auth/login against the built server (each sign-in verifies a
 * hash and writes a session). Run: npm run build && npm run bench:login
 */
import { hash, verify } from '@node-rs/argon2';
import autocannon from 'autocannon';
import {
  connections,
  databaseLabel,
  durationS,
  saveResults,
  warmupS,
  withBenchServer,
} from './support/bench-server.js';

const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

async function hashTiming(rounds: number) {
  const encoded = await hash('benchmark password 2026', argon2Options);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await verify(encoded, 'benchmark password 2026');
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(rounds / 2)]!, p99Ms: times[Math.floor(rounds * 0.99)]! };
}

const timing = await hashTiming(Number(process.env.BENCH_HASH_ROUNDS ?? 50));

await withBenchServer(async (base) => {
  const request = {
    method: 'POST' as const,
    headers: {
      'content-type': 'application/json',
      'x-openvisit-request': '1',
      origin: base,
    },
    body: JSON.stringify({ email: 'maria@demo-clinic.test', password: 'openvisit-demo-2026' }),
  };
  const url = `${base}/api/auth/login`;
  await autocannon({ url, connections: 8, duration: warmupS, ...request });
  // Sign-in is CPU-bound (argon2): a few connections saturate 2 cores.
  const concurrency = Math.min(connections, 16);
  const result = await autocannon({
    url,
    connections: concurrency,
    duration: durationS,
    ...request,
  });
  const row = {
    'argon2id verify median ms': timing.medianMs.toFixed(1),
    'argon2id verify p99 ms': timing.p99Ms.toFixed(1),
    'logins/s': Math.round(result.requests.average),
    'login p50 ms': result.latency.p50,
    'login p99 ms': result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  console.log(
    `\nSign-in: ${databaseLabel}, ${concurrency} connections, ${durationS} s, Node ${process.version}`,
  );
  console.table([row]);
  saveResults('login-throughput', { durationS, concurrency, row });
});
