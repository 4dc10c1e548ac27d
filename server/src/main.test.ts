import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEmptyPostgresDatabase,
  dropPostgresDatabase,
  onPostgres,
} from './testing/test-database.js';

// A real process on a file-backed embedded database runs initdb first: allow for a busy
// 2-core machine rather than fail on a slow start.
const PROCESS_TIMEOUT_MS = 120_000;

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Started {
  child: ChildProcess;
  output: () => string;
  baseUrl: Promise<string>;
  exited: Promise<number | null>;
}

/** Runs src/main.ts as the real process entry, as `npm run dev` does. */
function startServer(env: Record<string, string>, args = ['--role=all']): Started {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'src/main.ts', ...args],
    {
      cwd: serverDir,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const baseUrl = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /OpenVisit listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => reject(new Error(`server exited before listening:\n${out}`)));
  });
  baseUrl.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, baseUrl, exited };
}

describe('process entry (main.ts)', () => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const start = (...args: Parameters<typeof startServer>) => {
    const started = startServer(...args);
    children.push(started.child);
    return started;
  };

  it('refuses to start on bad configuration, listing every problem in one message', async () => {
    const s = start({ PORT: 'eighty', DATABASE_URL: 'mysql://db/x', NODE_ENV: 'production' }, [
      '--role=everything',
    ]);
    expect(await s.exited).toBe(78);
    const text = s.output();
    for (const name of ['PORT', 'DATABASE_URL', 'METRICS_TOKEN', '--role']) {
      expect(text).toContain(name);
    }
    expect(text.match(/Invalid configuration/g)).toHaveLength(1);
  });

  it(
    'starts on the embedded database with the demo clinic, then shuts down cleanly on SIGTERM',
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'ov main data '));
      const s = start({ DATA_DIR: dataDir, DEMO_SEED: 'true', LOG_LEVEL: 'info' });
      const base = await s.baseUrl;
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      const clinic = await fetch(`${base}/api/clinics/demo-clinic`);
      expect(clinic.status).toBe(200);
      expect(s.output()).toContain('maria@demo-clinic.test');

      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    'applies migrations and exits with --role=migrate (a deploy step)',
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'ov migrate '));
      const s = start({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }, ['--role=migrate']);
      expect(await s.exited).toBe(0);
      expect(s.output()).toContain('database migrated');
    },
    PROCESS_TIMEOUT_MS,
  );

  it.runIf(onPostgres)(
    'lets several instances start at once on one PostgreSQL database',
    async () => {
      const { name, url } = await createEmptyPostgresDatabase();
      cleanups.push(() => dropPostgresDatabase(name));
      const env = { DATABASE_URL: url, LOG_LEVEL: 'info' };
      const instances = [
        start(env, ['--role=api']),
        start(env, ['--role=api']),
        start(env, ['--role=worker']),
      ];
      const bases = await Promise.all(instances.map((i) => i.baseUrl));
      for (const base of bases) expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      // A worker serves health and metrics only, no API.
      expect((await fetch(`${bases[2]}/api/info`)).status).toBe(404);
      for (const i of instances) i.child.kill('SIGTERM');
      expect(await Promise.all(instances.map((i) => i.exited))).toEqual([0, 0, 0]);
    },
    PROCESS_TIMEOUT_MS,
  );
});
