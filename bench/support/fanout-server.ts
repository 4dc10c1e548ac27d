/**
 * A server for the realtime fan-out benchmark: the real app with its Socket.IO server on,
 * on a database of its own (PGlite, or BENCH_DATABASE_URL), holding a clinic, one patient
 * and `--staff` staff members, each with a signed-in session. Prints one JSON line when
 * ready (port, the patient's cookie, the staff's cookies, a loopback "probe" port that
 * answers this process's memory and CPU). Benchmark code only: never shipped.
 *
 * Run with --expose-gc (the benchmark sets it) so the probe measures memory after a full
 * collection, not whatever garbage the last burst left.
 */
import http from 'node:http';
import { memberships, organizations, users } from '../../server/src/db/schema/index.js';
import { createSessionService } from '../../server/src/modules/identity/session-service.js';
import { systemClock } from '../../server/src/platform/clock.js';
import { openBenchServer } from './bench-app.js';

const staffArg = process.argv.indexOf('--staff');
const staffCount = Number(staffArg > 0 ? process.argv[staffArg + 1] : 10);
if (!Number.isInteger(staffCount) || staffCount < 1 || staffCount > 2_000) {
  throw new Error('--staff must be an integer from 1 to 2000');
}

const server = await openBenchServer('fanout');
const db = server.database.db;

// A clinic of its own each run (PostgreSQL keeps earlier runs' clinics).
const run = Date.now().toString(36);
const [clinic] = await db
  .insert(organizations)
  .values({ slug: `fanout-bench-${run}`, name: 'Fan-out bench clinic', timezone: 'UTC' })
  .returning();
const person = async (role: 'patient' | 'staff', i: number) => {
  const [user] = await db
    .insert(users)
    .values({
      email: `${role}-${i}-${run}@fanout-bench.test`,
      displayName: `${role === 'staff' ? 'Staff' : 'Patient'} Bench ${i}`,
      emailVerifiedAt: new Date(),
    })
    .returning();
  await db.insert(memberships).values({ userId: user!.id, organizationId: clinic!.id, role });
  return user!.id;
};
const sessions = createSessionService(db, systemClock);
const cookieFor = async (userId: string) =>
  `ov_session=${(await sessions.start(userId, { ip: '127.0.0.1' }, 'mfa')).token}`;

const patientId = await person('patient', 0);
const patientCookie = await cookieFor(patientId);
const staffCookies: string[] = [];
for (let i = 0; i < staffCount; i++) staffCookies.push(await cookieFor(await person('staff', i)));

const { port, realtimeServer } = await server.listen({ realtimeServer: true });

// The probe: this process's memory (after a full collection) and CPU time, and how many
// sockets the Socket.IO server holds. Its own loopback port, outside the app's routes.
const collect = (globalThis as { gc?: () => void }).gc;
const probe = http.createServer((_request, response) => {
  collect?.();
  collect?.();
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  response.setHeader('content-type', 'application/json');
  response.end(
    JSON.stringify({
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      cpuMs: (cpu.user + cpu.system) / 1000,
      sockets: realtimeServer?.io.engine.clientsCount ?? 0,
      gc: Boolean(collect),
    }),
  );
});
await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
server.closeFirst(() => probe.close());

console.log(
  JSON.stringify({
    port,
    cookie: patientCookie,
    path: `/api/clinics/${clinic!.id}/patients/${patientId}/threads`,
    clinicId: clinic!.id,
    patientId,
    staffCookies,
    probePort: (probe.address() as { port: number }).port,
    pid: process.pid,
  }),
);
