/**
 * The start-up shared by the benchmark server scripts (support/*-server.ts, each started in
 * its own process by server-process.ts): the real app on a database of its own (PGlite in a
 * temporary directory, or BENCH_DATABASE_URL), migrated, stopped on SIGTERM or SIGINT.
 * Benchmark code only: never shipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { buildApp, type AppDeps } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/client.js';
import { migrate } from '../../server/src/db/migrate.js';

/** `name` tells the runs apart: `slot` gives the script name `slot-server` in errors. */
export async function openBenchServer(name: string) {
  const script = `${name}-server`;
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const dataDir = mkdtempSync(path.join(tmpdir(), `ov-${name}-bench-`));
  // Installed first: Ctrl-C reaches the whole process group, this process included, and may
  // come while it is still migrating. The embedded database of the run goes with it.
  const running: { stop?: () => Promise<void> } = {};
  let stopping: Promise<void> | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stopping ??= (running.stop ?? (async () => undefined))()
        .finally(() => rmSync(dataDir, { recursive: true, force: true }))
        .then(
          () => process.exit(0),
          (err: unknown) => {
            console.error(`${script}: stopping failed:`, err);
            process.exit(1);
          },
        );
    });
  }
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      RATE_LIMIT_MAX: '100000000',
      DATA_DIR: dataDir,
      WEB_DIST_DIR: '/nonexistent',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    ['node', script, '--role=all'],
  );
  const database = await openDatabase(
    config.database.kind === 'embedded'
      ? { kind: 'embedded', dataDir: config.database.dataDir }
      : { kind: 'postgresql', url: config.database.url, poolMax: config.database.poolMax },
  );
  await migrate(database.db);
  const closeFirst: (() => void)[] = [];

  return {
    database,
    /**
     * Builds the app and listens on a free loopback port; from then on a stop closes the app,
     * then the database.
     */
    async listen(deps: Omit<AppDeps, 'config' | 'database' | 'logStream'> = {}) {
      const built = await buildApp({
        config,
        database,
        ...deps,
        // Request lines to a null sink in every benchmark: the figures measure the app.
        logStream: pino.destination('/dev/null'),
      });
      await built.app.listen({ host: '127.0.0.1', port: 0 });
      running.stop = async () => {
        for (const close of closeFirst) close();
        try {
          await built.app.close();
        } finally {
          await database.close();
        }
      };
      return { ...built, port: (built.app.server.address() as { port: number }).port };
    },
    /** A server of the script's own (a probe) to close before the app when stopping. */
    closeFirst: (close: () => void) => void closeFirst.push(close),
  };
}
