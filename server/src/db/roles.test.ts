import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPostgresDatabase, onPostgres, testServerUrl } from '../testing/test-database.js';
import { openDatabase, type Database } from './client.js';
import { migrateWithOwnerRole } from './migrate.js';
import { organizations } from './schema/index.js';
import { createAuditWriter } from '../modules/audit/audit-writer.js';
import { systemClock } from '../platform/clock.js';
import { createJobQueue, queues } from '../platform/jobs/job-queue.js';

const rolesSql = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../deploy/postgres/roles.sql',
);

const sqlState = (err: unknown): unknown =>
  (err as { code?: unknown; cause?: { code?: unknown } }).code ??
  (err as { cause?: { code?: unknown } }).cause?.code;

const urlFor = (user: string, database: string) => {
  const u = new URL(testServerUrl!);
  u.username = user;
  u.password = '';
  u.pathname = `/${database}`;
  return u.toString();
};

// The documented production setup (docs/database-roles.md): migrations as the owner role,
// the app as a role that can read and write rows but never change the schema.
describe.runIf(onPostgres)('least-privilege database roles', () => {
  const dbName = `ov_roles_${randomBytes(5).toString('hex')}`;
  let app: Database | undefined;
  afterAll(async () => {
    await app?.close();
    await dropPostgresDatabase(dbName);
  });

  it('migrates as the owner; the app role reads and writes rows but has no DDL', async () => {
    execFileSync(
      'psql',
      [
        testServerUrl!,
        '--quiet',
        '-v',
        'owner_password=unused-with-trust-auth',
        '-v',
        'app_password=unused-with-trust-auth',
        '-v',
        `db_name=${dbName}`,
        '-f',
        rolesSql,
      ],
      { stdio: 'pipe' },
    );
    const appUrl = urlFor('openvisit_app', dbName);
    const ownerUrl = urlFor('openvisit_owner', dbName);
    app = await openDatabase({ kind: 'postgresql', url: appUrl, poolMax: 2 });

    // As the app role alone, migrating is refused: it cannot create tables.
    const refused = await migrateWithOwnerRole(
      { kind: 'postgresql', url: appUrl, migrationUrl: appUrl, poolMax: 2 },
      app,
    ).catch((err: unknown) => err);
    expect(sqlState(refused)).toBe('42501');

    // What main.ts does with MIGRATION_DATABASE_URL set.
    const result = await migrateWithOwnerRole(
      { kind: 'postgresql', url: appUrl, migrationUrl: ownerUrl, poolMax: 2 },
      app,
    );
    expect(result.applied).toBe(result.total);

    // The migration journal is the owner's alone.
    expect(
      sqlState(
        await app.db
          .execute(sql`insert into schema_migrations (hash, created_at) values ('forged', 1)`)
          .catch((err: unknown) => err),
      ),
    ).toBe('42501');

    await app.db
      .insert(organizations)
      .values({ slug: 'roles-check', name: 'Roles check', timezone: 'UTC' });
    expect(await app.db.select().from(organizations)).toHaveLength(1);

    // The audit trail: the app appends (through the chain writer) and reads, and PostgreSQL
    // itself refuses it UPDATE, DELETE and TRUNCATE on the events, partitions included.
    const writer = createAuditWriter(app.db, systemClock);
    await writer.record([
      { occurredAt: new Date(), action: 'read', resourceType: 'roles-check', outcome: 'allowed' },
    ]);
    expect(await app.db.execute(sql`select 1 from audit_events`)).toBeTruthy();
    const month = new Date().toISOString().slice(0, 7).replace('-', '_');
    for (const tamper of [
      sql`update audit_events set outcome = 'denied'`,
      sql`delete from audit_events`,
      sql`truncate audit_events`,
      sql.raw(`delete from audit_events_${month}`),
      sql`delete from audit_events_default`,
    ]) {
      expect(sqlState(await app.db.execute(tamper).catch((err: unknown) => err))).toBe('42501');
    }

    // The job queue (schema jobs, made by the migrations): the app role sends, fetches and
    // completes jobs with pg-boss checking the schema version, and creates no queue itself.
    const jobs = await createJobQueue({ database: app, mode: 'worker', onError: () => {} });
    try {
      const id = randomUUID();
      expect(await jobs.send(queues.appointmentNoticeSweep, { check: true }, { id })).toBe(true);
      const ran: string[] = [];
      await jobs.work(queues.appointmentNoticeSweep, async (job) => {
        ran.push(job.id);
      });
      const deadline = Date.now() + 20_000;
      while ((await jobs.stateOf(queues.appointmentNoticeSweep, id)) !== 'completed') {
        if (Date.now() > deadline) throw new Error('the app role could not run a job');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(ran).toEqual([id]);
    } finally {
      await jobs.stop();
    }
    expect(
      sqlState(
        await app.db
          .execute(sql`select jobs.create_queue('intruder', '{"policy":"standard"}')`)
          .catch((err: unknown) => err),
      ),
    ).toBe('42501');

    for (const ddl of [
      sql`create table intruder (id int)`,
      sql`drop table memberships`,
      sql`alter table users add column ssn text`,
    ]) {
      expect(sqlState(await app.db.execute(ddl).catch((err: unknown) => err))).toBe('42501');
    }
  });
});
