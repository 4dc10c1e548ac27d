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
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverEntry = path.join(repoRoot, 'server', 'dist', 'main.js');
const durationS = Number(process.env.BENCH_DURATION_S ?? 10);
const warmupS = Math.min(3, durationS);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const databaseUrl = process.env.BENCH_DATABASE_URL;

const targets = [
  { name: 'GET /health/live (no I/O)', path: '/health/live' },
  { name: 'GET /health/ready (DB round trip)', path: '/health/ready' },
  { name: 'GET /api/clinics/:slug (DB query)', path: '/api/clinics/demo-clinic' },
];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitUntilReady(base: string, deadline: number) {
  while (Date.now() < deadline) {
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not become ready within 90 s');
}

async function main() {
  if (!existsSync(serverEntry)) throw new Error('run `npm run build` first');
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ov-bench-'));
  const server = spawn(process.execPath, [serverEntry, '--role=all'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DEMO_SEED: 'true',
      METRICS_PORT: String(await freePort()),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SMTP_URL: 'smtp://127.0.0.1:2525', // required in production; the benchmark sends no mail
      DATA_ENCRYPTION_KEYS: `bench:${Buffer.alloc(32, 1).toString('base64')}`,
      RATE_LIMIT_MAX: '100000000',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', // as in production: two log lines per request
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(base, Date.now() + 90_000);
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
    for (const row of rows) Object.assign(row, { 'vs live': (row['req/s'] / liveRate).toFixed(2) });
    console.log(
      `\nHTTP baseline: ${databaseUrl ? 'PostgreSQL' : 'embedded PGlite'}, ` +
        `${connections} connections, ${durationS} s each, Node ${process.version}`,
    );
    console.table(rows);
    const resultsDir = path.join(repoRoot, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      path.join(resultsDir, `http-baseline-${databaseUrl ? 'postgres' : 'embedded'}.json`),
      JSON.stringify({ at: new Date().toISOString(), durationS, connections, rows }, null, 2),
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
