import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverEntry = path.join(repoRoot, 'server', 'dist', 'main.js');

export const durationS = Number(process.env.BENCH_DURATION_S ?? 10);
export const warmupS = Math.min(3, durationS);
export const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
export const databaseUrl = process.env.BENCH_DATABASE_URL;
export const databaseLabel = databaseUrl ? 'PostgreSQL' : 'embedded PGlite';

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

/**
 * Runs the built server as production would (NODE_ENV=production, info logging) on a
 * free loopback port with the demo clinic, calls `work` with its base URL, then stops it.
 */
export async function withBenchServer<T>(work: (base: string) => Promise<T>): Promise<T> {
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
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', // as in production: a line per request
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(base, Date.now() + 90_000);
    return await work(base);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Keeps the figures of a run next to the benchmark (bench/results is git-ignored). */
export function saveResults(name: string, data: unknown) {
  const dir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${databaseUrl ? 'postgres' : 'embedded'}.json`);
  writeFileSync(
    file,
    JSON.stringify({ at: new Date().toISOString(), ...(data as object) }, null, 2),
  );
}
