import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizations, users, visitTypes } from '../../db/schema/index.js';
import { DEMO_CLINIC_SLUG, seedDemo } from '../../db/seed.js';
import { systemClock } from '../../platform/clock.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { createIntakeService } from '../intake/intake-service.js';
import { createProviderService } from '../providers/provider-service.js';
import { createAvailabilityModule } from './availability-module.js';

describe('demo visit types and schedules', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
    await seedDemo(d.database.db);
  });
  afterAll(() => d.drop());

  async function demo() {
    const db = d.database.db;
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
  });
});
