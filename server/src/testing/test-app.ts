import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { buildApp, type AppDeps, type BuiltApp } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import type { Clock } from '../platform/clock.js';
import { connectRedis, redisConnected } from '../platform/redis.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const testRedisUrl = process.env.TEST_REDIS_URL || undefined;

export interface TestApp extends BuiltApp {
  config: Config;
  testDatabase: TestDatabase;
  redis: Redis | undefined;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  rawLogs: string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse a database (e.g. for two instances sharing state); otherwise a fresh one. */
  testDatabase?: TestDatabase;
  /** Redis key prefix; instances that must share state pass the same one. */
  redisPrefix?: string;
  argv?: string[];
  /** A clock the test controls (session expiry, token lifetimes). */
  clock?: Clock;
  /** Serve Socket.IO (tests of the realtime layer), optionally tuned. */
  realtimeServer?: AppDeps['realtimeServer'];
}

/**
 * Builds the real app, as main.ts does, on the test's own database (PGlite, or PostgreSQL
 * when TEST_DATABASE_URL is set) and Redis when TEST_REDIS_URL is set.
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      WEB_DIST_DIR: '/nonexistent-web-dist',
      ...(testRedisUrl ? { REDIS_URL: testRedisUrl } : {}),
      ...(process.env.TEST_DATABASE_URL ? { DATABASE_URL: process.env.TEST_DATABASE_URL } : {}),
      // Never the repository's ./data: each app anchors its audit chain in its own folder.
      AUDIT_ANCHOR_DIR: path.join(tmpdir(), `openvisit-anchors-${randomBytes(6).toString('hex')}`),
      // ...and keeps uploaded documents in its own folder too.
      STORAGE_DIR: path.join(tmpdir(), `openvisit-documents-${randomBytes(6).toString('hex')}`),
      ...options.env,
    },
    options.argv ?? ['--role=all'],
  );
  const testDatabase = options.testDatabase ?? (await createTestDatabase());
  const ownsDatabase = !options.testDatabase;
  const prefix = `${options.redisPrefix ?? `test:${randomBytes(6).toString('hex')}`}:`;
  const rawLogs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      rawLogs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const silentLog = (await import('pino')).pino({ level: 'silent' });
  const redis = config.redisUrl ? connectRedis(config.redisUrl, silentLog, prefix) : undefined;
  if (redis) await redisConnected(redis, 2_000);
  const built = await buildApp({
    config,
    database: testDatabase.database,
    redis,
    logStream,
    clock: options.clock,
    realtimeServer: options.realtimeServer,
  });
  return {
    ...built,
    config,
    testDatabase,
    redis,
    rawLogs,
    get logs() {
      return rawLogs.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async close() {
      await built.app.close();
      redis?.disconnect();
      if (ownsDatabase) await testDatabase.drop();
    },
  };
}

/** Headers a browser on this origin sends with a state-changing request (CSRF checks). */
export const sameOrigin = { 'x-openvisit-request': '1', origin: 'http://localhost:80' };
