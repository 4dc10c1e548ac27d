import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { openDatabase, type Database } from '../db/client.js';
import { migrate } from '../db/migrate.js';

export interface TestDatabase {
  database: Database;
  /** Connection URL of this test's own database; undefined on embedded PGlite. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** The admin URL tests use to create their databases, when testing on real PostgreSQL. */
export const testServerUrl = process.env.TEST_DATABASE_URL || undefined;
export const onPostgres = testServerUrl !== undefined;

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates an empty database on the test server and returns its name and URL. */
export async function createEmptyPostgresDatabase(): Promise<{ name: string; url: string }> {
  if (!testServerUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `ov_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testServerUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return { name, url: withDatabaseName(testServerUrl, name) };
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testServerUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/**
 * A migrated database of the test's own: a fresh database on the PostgreSQL server when
 * TEST_DATABASE_URL is set, else an in-memory PGlite. Nothing is shared between tests.
 */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  let database: Database;
  let url: string | undefined;
  let name: string | undefined;
  if (testServerUrl) {
    ({ name, url } = await createEmptyPostgresDatabase());
    database = await openDatabase({ kind: 'postgresql', url, poolMax: 4 });
  } else if (options.migrate !== false && process.env.OV_TEST_PGLITE_TEMPLATE) {
    // A copy of the already-migrated template made by global-setup.ts.
    const template = new Blob([readFileSync(process.env.OV_TEST_PGLITE_TEMPLATE)]);
    database = await openDatabase({ kind: 'embedded', dataDir: undefined, template });
  } else {
    database = await openDatabase({ kind: 'embedded', dataDir: undefined });
  }
  if (options.migrate !== false) await migrate(database.db);
  return {
    database,
    url,
    async drop() {
      await database.close();
      if (name) await dropPostgresDatabase(name);
    },
  };
}
