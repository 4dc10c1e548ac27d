/**
 * A server for the slot-search benchmark: the real app on its own database, holding the
 * clinic of slot-world.ts (50 providers licensed in CA, their hours, time off and booked
 * visits). Prints one JSON line (port, cookie, path of a 4-week search) when ready.
 * Benchmark code only: never shipped.
 */
import {
  appointments,
  availabilityExceptions,
  availabilityRules,
  memberships,
  organizations,
  providerLicenses,
  providerProfiles,
  providerScheduleSettings,
  users,
  visitTypes,
} from '../../server/src/db/schema/index.js';
import { createSessionService } from '../../server/src/modules/identity/session-service.js';
import { systemClock } from '../../server/src/platform/clock.js';
import { openBenchServer } from './bench-app.js';
import { benchProviders, PROVIDERS, searchWindow, visitType } from './slot-world.js';

const server = await openBenchServer('slot');
const db = server.database.db;

// A clinic of its own each run (PostgreSQL keeps earlier runs' clinics).
const run = Date.now().toString(36);
const [clinic] = await db
  .insert(organizations)
  .values({ slug: `slot-bench-${run}`, name: 'Slot bench clinic', timezone: 'America/Chicago' })
  .returning();
const person = async (kind: string, i: number) => {
  const [user] = await db
    .insert(users)
    .values({
      email: `${kind}-${i}-${run}@slot-bench.test`,
      displayName: `${kind === 'provider' ? 'Dr.' : 'Patient'} Bench ${String(i).padStart(2, '0')}`,
      emailVerifiedAt: new Date(),
    })
    .returning();
  return user!.id;
};
const staff = await person('staff', 0);
await db.insert(memberships).values({ userId: staff, organizationId: clinic!.id, role: 'staff' });
const [urgent] = await db
  .insert(visitTypes)
  .values({
    organizationId: clinic!.id,
    slug: 'urgent-care',
    name: 'Urgent care video visit',
    modality: 'video',
    ...visitType,
  })
  .returning();

for (const p of benchProviders()) {
  const providerId = await person('provider', p.index);
  const patientId = await person('patient', p.index);
  await db.insert(memberships).values([
    { userId: providerId, organizationId: clinic!.id, role: 'provider' },
    { userId: patientId, organizationId: clinic!.id, role: 'patient' },
  ]);
  const mine = { organizationId: clinic!.id, providerUserId: providerId };
  await db.insert(providerProfiles).values({
    ...mine,
    timeZone: p.timeZone,
    languages: ['en'],
    specialties: ['Family Medicine'],
  });
  await db.insert(providerLicenses).values({
    ...mine,
    state: 'CA',
    licenseNumber: `CA-${p.index}`,
    expiresOn: '2099-12-31',
    createdBy: staff,
  });
  await db.insert(providerScheduleSettings).values({
    ...mine,
    timeZone: p.timeZone,
    minimumNoticeMinutes: 0,
    bookingHorizonDays: 90,
  });
  await db.insert(availabilityRules).values(p.rules.map((r) => ({ ...mine, ...r })));
  if (p.timeOff.length) {
    await db
      .insert(availabilityExceptions)
      .values(p.timeOff.map((e) => ({ ...mine, kind: 'time-off', ...e, createdBy: staff })));
  }
  await db.insert(appointments).values(
    p.booked.map((b) => ({
      ...mine,
      patientUserId: patientId,
      visitTypeId: urgent!.id,
      startsAt: b.startsAt,
      endsAt: new Date(b.startsAt.getTime() + visitType.durationMinutes * 60_000),
      blockedFrom: b.startsAt,
      blockedUntil: b.blockedUntil,
      patientState: 'CA',
      bookedBy: patientId,
    })),
  );
}

const { port } = await server.listen();
const { token } = await createSessionService(db, systemClock).start(staff, {}, 'mfa');
const { from, to } = searchWindow();
const query = new URLSearchParams({
  visitTypeId: urgent!.id,
  from: from.toISOString(),
  to: to.toISOString(),
  state: 'CA',
});
console.log(
  JSON.stringify({
    port,
    cookie: `ov_session=${token}`,
    path: `/api/clinics/${clinic!.id}/slots?${query.toString()}`,
    providers: PROVIDERS,
  }),
);
