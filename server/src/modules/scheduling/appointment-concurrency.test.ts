import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.js';
import { migrate } from '../../db/migrate.js';
import { appointments } from '../../db/schema/index.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import {
  createEmptyPostgresDatabase,
  dropPostgresDatabase,
  onPostgres,
  type TestDatabase,
} from '../../testing/test-database.js';
import { makeLicense } from '../providers/provider-test-kit.js';
import { makeOpenSchedule, makeVisitType, setPatientState } from './appointment-test-kit.js';

const BOOKINGS = 50;

/**
 * On PostgreSQL, a pool wide enough that many bookings reach the INSERT at the same moment
 * (the usual test pool of 4 would queue them); PGlite serves one query at a time anyway.
 */
async function roomyDatabase(): Promise<TestDatabase | undefined> {
  if (!onPostgres) return undefined;
  const { name, url } = await createEmptyPostgresDatabase();
  const database = await openDatabase({ kind: 'postgresql', url, poolMax: 24 });
  await migrate(database.db);
  return {
    database,
    url,
    async drop() {
      await database.close();
      await dropPostgresDatabase(name);
    },
  };
}

describe('fifty people booking one slot at once', () => {
  let t: TestApp;
  let roomy: TestDatabase | undefined;
  beforeAll(async () => {
    roomy = await roomyDatabase();
    t = await buildTestApp({
      ...(roomy ? { testDatabase: roomy } : {}),
      env: { RATE_LIMIT_MAX: '100000' },
    });
    await t.app.ready();
  });
  afterAll(async () => {
    await t.close();
    await roomy?.drop();
  });

  it('books exactly one; every other request gets 409 slot-taken; one row', async () => {
    const db = t.testDatabase.database.db;
    const clinic = await makeClinic(db);
    const admin = await makePerson(db, clinic.id, 'admin');
    const provider = await makePerson(db, clinic.id, 'provider');
    await makeOpenSchedule(db, clinic.id, provider.id);
    await makeLicense(db, clinic.id, provider.id, admin.id);
    const visitType = await makeVisitType(db, clinic.id);
    const patients = [];
    for (let i = 0; i < BOOKINGS; i++) {
      const patient = await makePerson(db, clinic.id, 'patient');
      await setPatientState(db, clinic.id, patient.id, 'CA');
      patients.push({ id: patient.id, cookie: (await signedInCookie(t, patient.id)).cookie });
    }
    // Tomorrow at 10:00 UTC: on the provider's grid, inside the horizon.
    const day = 86_400_000;
    const startsAt = new Date(Math.floor(Date.now() / day) * day + day + 10 * 3_600_000);

    const responses = await Promise.all(
      patients.map((p) =>
        t.app.inject({
          method: 'POST',
          url: `/api/clinics/${clinic.id}/patients/${p.id}/appointments`,
          headers: { ...sameOrigin, cookie: p.cookie },
          payload: {
            providerId: provider.id,
            visitTypeId: visitType.id,
            startsAt: startsAt.toISOString(),
          },
        }),
      ),
    );

    const statuses = responses.map((r) => r.statusCode);
    expect(
      statuses.filter((s) => s === 201),
      JSON.stringify(statuses),
    ).toHaveLength(1);
    const refused = responses.filter((r) => r.statusCode !== 201);
    expect(refused).toHaveLength(BOOKINGS - 1);
    for (const res of refused) {
      expect(res.statusCode, res.body).toBe(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        type: '/problems/slot-taken',
        detail: 'Someone else just booked this time. Choose another.',
      });
    }
    const rows = await db
      .select({ id: appointments.id, patientId: appointments.patientUserId })
      .from(appointments)
      .where(and(eq(appointments.providerUserId, provider.id), eq(appointments.status, 'booked')));
    expect(rows).toHaveLength(1);
    const winner = responses.find((r) => r.statusCode === 201)!.json<{ id: string }>();
    expect(rows[0]!.id).toBe(winner.id);
  }, 120_000); // 50 accounts and sessions to set up first: slow on a loaded 2-core box
});
