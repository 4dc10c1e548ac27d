/**
 * A server for the audit-overhead benchmark: the real app, with the real audit writer or
 * (`--unaudited`) one that writes nothing, so one run compares the two. Prints one JSON
 * line (port, cookie, chart path) when ready. Benchmark code only: never shipped.
 */
import { sql } from 'drizzle-orm';
import { seedDemo } from '../../server/src/db/seed.js';
import { createSessionService } from '../../server/src/modules/identity/session-service.js';
import type { AuditWriter } from '../../server/src/modules/audit/audit-writer.js';
import { systemClock } from '../../server/src/platform/clock.js';
import { openBenchServer } from './bench-app.js';

const unaudited = process.argv.includes('--unaudited');
const server = await openBenchServer('chart');
const { database } = server;
await seedDemo(database.db);

const noAudit: AuditWriter = {
  record: async () => undefined,
  flush: async () => undefined,
  reset: () => undefined,
  head: async () => ({ id: 1, seq: 0, hash: '' }),
};
// Both modes pay the same logging cost: request lines go to a null sink.
const { port } = await server.listen(unaudited ? { auditWriter: noAudit } : {});

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
console.log(
  JSON.stringify({
    port,
    cookie: `ov_session=${token}`,
    path: `/api/clinics/${maria.organization_id}/patients/${maria.id}`,
  }),
);
