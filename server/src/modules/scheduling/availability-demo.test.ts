import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments, organizations, users, visitTypes } from '../../db/schema/index.js';
import { DEMO_CLINIC_SLUG, seedDemo } from '../../db/seed.js';
import { systemClock } from '../../platform/clock.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { createIntakeService } from '../intake/intake-service.js';
import { createProviderService } from '../providers/provider-service.js';
import { createAvailabilityModule } from './availability-module.js';

/** The demo clinic in `db`: its id, people by email and the availability module on it. */
async function demoIn(db: TestDatabase['database']['db']) {
  const [clinic] = await db
    .select()
    .from(organizations)
    .where(eq(organizations.slug, DEMO_CLINIC_SLUG));
  const idOf = async (email: string) =>
    (await db.select().from(users).where(eq(users.email, email)))[0]!.id;
  const directory = createPeopleDirectory(db);
  const providers = createProviderService({ db, clock: systemClock, directory });
  const intake = createIntakeService({ db, clock: systemClock });
  const module = createAvailabilityModule({
    db,
    clock: systemClock,
    directory,
    providers,
    intake,
    busySpans: async () => [],
  });
  return { db, clinicId: clinic!.id, idOf, providers, intake, ...module };
}

/** A patient's appointments in the demo clinic, earliest first. */
const visitsOf = (db: TestDatabase['database']['db'], patientId: string) =>
  db
    .select()
    .from(appointments)
    .where(eq(appointments.patientUserId, patientId))
    .orderBy(asc(appointments.startsAt));

describe('demo visit types and schedules', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
    await seedDemo(d.database.db);
  });
  afterAll(() => d.drop());

  const demo = () => demoIn(d.database.db);

  it('offers the three visit types, each naming questionnaires that exist', async () => {
    const { clinicId, visitTypes: service, intake } = await demo();
    const offered = await service.list(clinicId, { includeInactive: false });
    expect(offered.map((v) => [v.name, v.durationMinutes, v.modality])).toEqual([
      ['Follow-up video visit', 30, 'video'],
      ['Phone check-in', 15, 'phone'],
      ['Urgent care video visit', 20, 'video'],
    ]);
    expect(offered.find((v) => v.slug === 'urgent-care-video-visit')).toMatchObject({
      bufferAfterMinutes: 5,
      intakeFormSlug: 'urgent-care',
      requiredConsentKinds: ['telehealth', 'privacy-notice'],
      cancellationWindowHours: 24,
    });
    for (const v of offered.filter((v) => v.intakeFormSlug)) {
      await expect(intake.currentForm(clinicId, v.intakeFormSlug!)).resolves.toBeDefined();
    }
  });

  it("gives Dr. Chen and Dr. Okafor weekly hours in their profile's zone, with slots to book", async () => {
    const { clinicId, idOf, providers, schedules, slots, visitTypes: service } = await demo();
    const viewer = { userId: await idOf('admin@demo-clinic.test'), roles: ['admin'] };
    for (const email of ['dr.chen@demo-clinic.test', 'dr.okafor@demo-clinic.test']) {
      const id = await idOf(email);
      const schedule = await schedules.get(clinicId, id);
      const profile = await providers.get(clinicId, id, viewer);
      expect(schedule).toMatchObject({ configured: true, timeZone: profile.timeZone });
    }
    expect((await schedules.get(clinicId, await idOf('dr.okafor@demo-clinic.test'))).rules).toEqual(
      [1, 2, 3, 4].map((weekday) => ({ weekday, startTime: '08:00', endTime: '16:00' })),
    );
    const [urgent] = (await service.list(clinicId, { includeInactive: false })).filter(
      (v) => v.slug === 'urgent-care-video-visit',
    );
    const now = Date.now();
    const found = await slots.searchSlots(clinicId, viewer, {
      visitTypeId: urgent!.id,
      from: new Date(now).toISOString(),
      to: new Date(now + 14 * 86_400_000).toISOString(),
    });
    expect(found.providers.map((p) => p.displayName).sort()).toEqual([
      'Dr. Ada Okafor',
      'Dr. Lin Chen',
    ]);
  });

  it('seeds once: a second run adds nothing', async () => {
    const { db, clinicId } = await demo();
    expect(await seedDemo(db)).toEqual({ created: false });
    const rows = await db.select().from(visitTypes).where(eq(visitTypes.organizationId, clinicId));
    expect(rows).toHaveLength(3);
    expect(
      await db.select().from(appointments).where(eq(appointments.organizationId, clinicId)),
    ).toHaveLength(3);
  });

  it('gives James a coming visit on a fresh start, and Maria none', async () => {
    const { db, idOf } = await demo();
    const [past, upcoming] = await visitsOf(db, await idOf('james@demo-clinic.test'));
    expect(upcoming!.status).toBe('booked');
    expect(upcoming!.startsAt.getTime()).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    expect(past!.startsAt.getTime()).toBeLessThan(Date.now());
    expect(await visitsOf(db, await idOf('maria@demo-clinic.test'))).toEqual([]);
  });

  it('gives Aisha a video visit with Dr. Okafor whose check-in opens at once', async () => {
    const { db, idOf } = await demo();
    const [soon] = await visitsOf(db, await idOf('aisha@demo-clinic.test'));
    expect(soon).toMatchObject({
      status: 'booked',
      providerUserId: await idOf('dr.okafor@demo-clinic.test'),
    });
    const minutesAway = (soon!.startsAt.getTime() - Date.now()) / 60_000;
    expect(minutesAway).toBeGreaterThan(0);
    expect(minutesAway).toBeLessThanOrEqual(15);
  });
});

describe('demo appointments, placed relative to the seed time', () => {
  // Thursday 2026-03-05, 14:00 in Chicago: three days on is Sunday, after the spring change.
  const seededAt = new Date('2026-03-05T20:00:00Z');
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
    expect(await seedDemo(d.database.db, undefined, seededAt)).toEqual({ created: true });
  });
  afterAll(() => d.drop());

  it('books James a follow-up with Dr. Chen a few days ahead and keeps a completed past visit', async () => {
    const { db, clinicId, idOf, slots, visitTypes: service } = await demoIn(d.database.db);
    const james = await idOf('james@demo-clinic.test');
    const chen = await idOf('dr.chen@demo-clinic.test');
    const offered = await service.list(clinicId, { includeInactive: false });
    const typeId = (slug: string) => offered.find((v) => v.slug === slug)!.id;
    const visits = await visitsOf(db, james);
    expect(
      visits.map((v) => [v.status, v.providerUserId, v.visitTypeId, v.startsAt.toISOString()]),
    ).toEqual([
      // Thursday 2026-02-19, 10:00 CST.
      ['completed', chen, typeId('urgent-care-video-visit'), '2026-02-19T16:00:00.000Z'],
      // Monday 2026-03-09 (the first weekday three days on), 15:00 CDT.
      ['booked', chen, typeId('follow-up-video-visit'), '2026-03-09T20:00:00.000Z'],
    ]);
    const [past, upcoming] = visits as [(typeof visits)[0], (typeof visits)[0]];
    expect(upcoming).toMatchObject({
      bookedBy: james,
      patientState: 'CA',
      lateCancellation: false,
    });
    expect(upcoming.endsAt.toISOString()).toBe('2026-03-09T20:30:00.000Z');
    // The urgent care visit blocks its 5-minute buffer after.
    expect(past.blockedUntil.toISOString()).toBe('2026-02-19T16:25:00.000Z');
    expect(past.bookedBy).toBe(await idOf('frontdesk@demo-clinic.test'));

    // Both are times the slot search offered then: inside Dr. Chen's hours, on the grid,
    // past the minimum notice and within the horizon.
    await expect(
      slots.assertBookable(clinicId, chen, upcoming.visitTypeId, upcoming.startsAt, seededAt),
    ).resolves.toMatchObject({ endsAt: upcoming.endsAt });
    await expect(
      slots.assertBookable(clinicId, chen, past.visitTypeId, past.startsAt, past.bookedAt),
    ).resolves.toMatchObject({ blockedUntil: past.blockedUntil });
    expect(await visitsOf(db, await idOf('maria@demo-clinic.test'))).toEqual([]);
  });

  it('adds no visits when seeded again later', async () => {
    const { db, idOf } = await demoIn(d.database.db);
    const later = new Date(seededAt.getTime() + 30 * 86_400_000);
    expect(await seedDemo(db, undefined, later)).toEqual({ created: false });
    expect(await visitsOf(db, await idOf('james@demo-clinic.test'))).toHaveLength(2);
  });
});
