import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { withTimeout } from '../platform/with-timeout.js';
import { columnCasing } from './casing.js';
import * as schema from './schema/index.js';

export type AppDatabase = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** The database as the rest of the server sees it, whichever engine is underneath. */
export interface Database {
  readonly kind: 'embedded' | 'postgresql';
  readonly db: AppDatabase;
  /**
   * Plain SQL on the driver underneath, for libraries that bring their own (the pg-boss job
   * queue). Text without values may hold several statements.
   */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /** Round trip to the server; rejects when it cannot be reached. */
  ping(timeoutMs: number): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'embedded'; dataDir: string | undefined; template?: Blob }
  | { kind: 'postgresql'; url: string; poolMax: number };

export async function openDatabase(
  target: DatabaseTarget,
  onPoolError: (err: Error) => void = () => {},
): Promise<Database> {
  return target.kind === 'embedded'
    ? openEmbedded(target.dataDir, target.template)
    : openPostgres(target.url, target.poolMax, onPoolError);
}

/** PGlite: PostgreSQL compiled to WASM; file-backed, or in memory when dataDir is undefined. */
async function openEmbedded(dataDir: string | undefined, template?: Blob): Promise<Database> {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- operator's DATA_DIR
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // btree_gist backs the appointments' exclusion constraint (migration 0008).
  const client = await PGlite.create(dataDir, {
    extensions: { btree_gist },
    ...(template ? { loadDataDir: template } : {}),
  });
  const db = drizzlePglite(client, { schema, casing: columnCasing }) as unknown as AppDatabase;
  return {
    kind: 'embedded',
    db,
    async executeSql(text, values) {
      if (values?.length) return client.query(text, values);
      // exec() runs several statements as one unit; the last result is the answer.
      const results = await client.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
    ping: (timeoutMs) =>
      withTimeout(
        client.query('select 1').then(() => undefined),
        timeoutMs,
      ),
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    close: () => client.close(),
  };
}

async function openPostgres(
  url: string,
  poolMax: number,
  onPoolError: (err: Error) => void,
): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'openvisit',
  });
  // An idle client dies when PostgreSQL restarts; without a listener that would crash the
  // process. The pool drops the client and the next query opens a new connection.
  pool.on('error', onPoolError);
  const db = drizzlePg(pool, { schema, casing: columnCasing }) as unknown as AppDatabase;
  return {
    kind: 'postgresql',
    db,
    async executeSql(text, values) {
      const result: unknown = await pool.query(text, values);
      // Several statements answer one result each; the last one is the answer.
      const last = Array.isArray(result) ? (result.at(-1) as pg.QueryResult) : result;
      return { rows: (last as pg.QueryResult | undefined)?.rows ?? [] };
    },
    ping: (timeoutMs) =>
      withTimeout(
        db.execute(sql`select 1`).then(() => undefined),
        timeoutMs,
      ),
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    close: () => pool.end(),
  };
}
