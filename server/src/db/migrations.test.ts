import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { generateDrizzleJson, generateMigration, type DrizzleSnapshotJSON } from 'drizzle-kit/api';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, onPostgres, type TestDatabase } from '../testing/test-database.js';
import { columnCasing } from './casing.js';
import { openDatabase } from './client.js';
import { migrate, migrationsFolder } from './migrate.js';
import * as schema from './schema/index.js';
import { queryRows } from '../testing/sql-rows.js';

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}
const readJournal = (folder: string) =>
  JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as Journal;

const rows = <T>(db: TestDatabase, query: ReturnType<typeof sql>) =>
  queryRows<T>(db.database.db, query);

describe('schema and migrations', () => {
  const opened: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.drop()));
  });
  const fresh = async (options?: { migrate?: boolean }) => {
    const d = await createTestDatabase(options);
    opened.push(d);
    return d;
  };

  it('has committed migrations that match the Drizzle schema (no drift)', async () => {
    const journal = readJournal(migrationsFolder);
    const last = journal.entries.at(-1)!;
    const snapshotFile = path.join(
      migrationsFolder,
      'meta',
      `${String(last.idx).padStart(4, '0')}_snapshot.json`,
    );
    // drizzle-kit's snapshot type does not resolve for the linter; the id is all we read.
    const committed = JSON.parse(readFileSync(snapshotFile, 'utf8')) as { id: string };
    const current = generateDrizzleJson(schema, committed.id, undefined, columnCasing);
    const pending = await generateMigration(committed as DrizzleSnapshotJSON, current);
    // Non-empty means the schema changed without `npm run db:generate`.
    expect(pending).toEqual([]);
    expect(readMigrationFiles({ migrationsFolder })).toHaveLength(journal.entries.length);
  });

  it('names columns in snake_case in SQL', async () => {
    const d = await fresh();
    const columns = await rows<{ column_name: string }>(
      d,
      sql`select column_name from information_schema.columns
          where table_schema = 'public' and table_name = 'users' order by column_name`,
    );
    expect(columns.map((c) => c.column_name)).toEqual(
      expect.arrayContaining(['email_verified_at', 'password_hash', 'created_at', 'display_name']),
    );
  });

  it('applies each migration once, however often it runs', async () => {
    const d = await fresh({ migrate: false });
    const first = await migrate(d.database.db);
    expect(first.applied).toBe(first.total);
    expect(await migrate(d.database.db)).toEqual({ applied: 0, total: first.total });
  });

  it('lets concurrent starters race safely: exactly one applies the migrations', async () => {
    const d = await fresh({ migrate: false });
    // Separate connections, as separate instances would have; PGlite has a single one.
    const second = d.url
      ? await openDatabase({ kind: 'postgresql', url: d.url, poolMax: 1 })
      : d.database;
    const results = await Promise.all([migrate(d.database.db), migrate(second.db)]);
    if (second !== d.database) await second.close();
    const total = results[0].total;
    expect(results.map((r) => r.applied).sort()).toEqual([0, total]);
    const applied = await rows<{ n: number }>(
      d,
      sql`select count(*)::int as n from schema_migrations`,
    );
    expect(applied[0]!.n).toBe(total);
  });

  it('rolls back every statement of a failed migration', async () => {
    const d = await fresh();
    const folder = copyMigrations();
    addMigration(folder, '9999_broken', [
      'create table half_done (id int)',
      'select * from table_that_does_not_exist',
    ]);
    await expect(migrate(d.database.db, folder)).rejects.toThrow();
    const tables = await rows<{ n: number }>(
      d,
      sql`select count(*)::int as n from information_schema.tables where table_name = 'half_done'`,
    );
    expect(tables[0]!.n).toBe(0);
  });

  it('refuses to start when an applied migration was edited', async () => {
    const d = await fresh();
    const folder = copyMigrations();
    const first = readJournal(folder).entries[0]!;
    const file = path.join(folder, `${first.tag}.sql`);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- edited later`);
    await expect(migrate(d.database.db, folder)).rejects.toThrow(/edited after it was applied/);
  });

  it.runIf(onPostgres)('makes a second starter wait on the advisory lock', async () => {
    const d = await fresh({ migrate: false });
    const holder = await openDatabase({ kind: 'postgresql', url: d.url!, poolMax: 1 });
    let pending: Promise<unknown> | undefined;
    await holder.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(7413620011)`);
      pending = migrate(d.database.db);
      // The starter is blocked on the lock (an ungranted advisory lock), not applying anything.
      await expect
        .poll(
          async () =>
            (
              await rows<{ n: number }>(
                d,
                sql`select count(*)::int as n from pg_locks
                    where locktype = 'advisory' and not granted and database =
                      (select oid from pg_database where datname = current_database())`,
              )
            )[0]!.n,
          { timeout: 10_000 },
        )
        .toBe(1);
    });
    // Once the holder commits, the waiting starter proceeds and applies everything.
    const result = (await pending) as { applied: number; total: number };
    await holder.close();
    expect(result.applied).toBe(result.total);
  });
});

function copyMigrations(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'ov-migrations-'));
  cpSync(migrationsFolder, folder, { recursive: true });
  return folder;
}

function addMigration(folder: string, tag: string, statements: string[]) {
  const journal = readJournal(folder);
  const last = journal.entries.at(-1)!;
  journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag });
  writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  writeFileSync(path.join(folder, `${tag}.sql`), statements.join(';\n--> statement-breakpoint\n'));
}
