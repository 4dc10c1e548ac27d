/**
 * A server for the audit-overhead benchmark: the real app, with the real audit writer or
 * (`--unaudited`) one that writes nothing, so one run compares the two. Prints one JSON
 * line (port, cookie, chart path) when ready. Benchmark code only: never shipped.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/client.js';
import { migrate } from '../../server/src/db/migrate.js';
import { seedDemo } from '../../server/src/db/seed.js';
import { createSessionService } from '../../server/src/modules/identity/session-service.js';
import type { AuditWriter } from '../../server/src/modules/audit/audit-writer.js';
import { systemClock } from '../../server/src/platform/clock.js';

const unaudited = process.argv.includes('--unaudited');
const databaseUrl = process.env.BENCH_DATABASE_URL;
const config = loadConfig(
  {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    RATE_LIMIT_MAX: '100000000',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ov-chart-bench-')),
    WEB_DIST_DIR: '/nonexistent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  },
  ['node', 'chart-server', '--role=all'],
);
const database = await openDatabase(
  config.database.kind === 'embedded'
    ? { kind: 'embedded', dataDir: config.database.dataDir }
    : { kind: 'postgresql', url: config.database.url, poolMax: config.database.poolMax },
);
await migrate(database.db);
await seedDemo(database.db);

const noAudit: AuditWriter = {
  record: async () => undefined,
  flush: async () => undefined,
  reset: () => undefined,
  head: async () => ({ id: 1, seq: 0, hash: '' }),
};
const { app } = await buildApp({
  config,
  database,
  ...(unaudited ? { auditWriter: noAudit } : {}),
  // Request lines to a null sink: both modes pay the same logging cost.
  logStream: pino.destination('/dev/null'),
});
await app.listen({ host: '127.0.0.1', port: 0 });

// The demo clinic's Dr. Chen and one of his patients: Maria (empty chart) by default, or
// James (a filled chart: profile, health history, insurance) with BENCH_PATIENT=james.
const patientEmail = `${process.env.BENCH_PATIENT ?? 'maria'}@demo-clinic.test`;
const result: unknown = await database.db.execute(
  sql`select u.id, u.email, m.organization_id from users u join memberships m on m.user_id = u.id
      where u.email in ('dr.chen@demo-clinic.test', ${patientEmail})`,
);
const rows = result as { rows: { id: string; email: string; organization_id: string }[] };
const chen = rows.rows.find((r) => r.email.startsWith('dr.chen'))!;
const maria = rows.rows.find((r) => r.email === patientEmail)!;
const { token } = await createSessionService(database.db, systemClock).start(chen.id, {}, 'mfa');
const address = app.server.address() as { port: number };
console.log(
  JSON.stringify({
    port: address.port,
    cookie: `ov_session=${token}`,
    path: `/api/clinics/${maria.organization_id}/patients/${maria.id}`,
  }),
);
process.on('SIGTERM', () => {
  void app.close().then(() => database.close().then(() => process.exit(0)));
});
