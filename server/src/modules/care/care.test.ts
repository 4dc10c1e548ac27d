import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { manualClock } from '../../platform/clock.js';
import { listOutbox } from '../../platform/mail/outbox-mailer.js';
import { addRole, makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';

const CLINICAL = '/api/clinics/:clinicId/patients/:patientId/care-test-clinical';

describe('care relationships and emergency access', () => {
  const clock = manualClock(new Date('2026-11-03T15:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ clock });
    // A clinical route of this test's own: the records capability brings the real ones.
    t.app.get(
      CLINICAL,
      {
        config: { access: { rule: 'patient-record', content: 'clinical' } },
        schema: { params: z.object({ clinicId: z.uuid(), patientId: z.uuid() }) },
      },
      async (request) => request.recordAccess,
    );
    await t.app.ready();
  });
  afterAll(() => t.close());

  async function clinicWithPeople() {
    const db = t.testDatabase.database.db;
    const clinic = await makeClinic(db);
    const patient = await makePerson(db, clinic.id, 'patient');
    const provider = await makePerson(db, clinic.id, 'provider');
    const staff = await makePerson(db, clinic.id, 'staff');
    const admin = await makePerson(db, clinic.id, 'admin');
    const as = async (userId: string) => (await signedInCookie(t, userId, clock)).cookie;
    const call = async (
      cookie: string,
      method: 'GET' | 'PUT' | 'DELETE' | 'POST',
      url: string,
      payload?: object,
    ) =>
      t.app.inject({
        method,
        url,
        headers: { ...sameOrigin, cookie },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    const base = `/api/clinics/${clinic.id}/patients/${patient.id}`;
    return { clinic, patient, provider, staff, admin, as, call, base };
  }

  it('opens a patient to the providers on their care team, and closes it when they leave', async () => {
    const { provider, staff, as, call, base } = await clinicWithPeople();
    const dr = await as(provider.id);
    const clerk = await as(staff.id);
    const before = await call(dr, 'GET', `${base}/care-test-clinical`);
    expect(before.statusCode).toBe(403);
    expect(before.json()).toMatchObject({ type: '/problems/no-care-relationship' });

    expect((await call(clerk, 'PUT', `${base}/care-team/${provider.id}`)).statusCode).toBe(204);
    // Assigning twice changes nothing.
    expect((await call(clerk, 'PUT', `${base}/care-team/${provider.id}`)).statusCode).toBe(204);
    const summary = await call(dr, 'GET', base);
    expect(summary.json()).toMatchObject({
      access: 'care-relationship',
      careTeam: [{ providerId: provider.id }],
    });
    expect((await call(dr, 'GET', `${base}/care-test-clinical`)).json()).toMatchObject({
      basis: 'care-relationship',
    });

    expect((await call(clerk, 'DELETE', `${base}/care-team/${provider.id}`)).statusCode).toBe(204);
    expect((await call(dr, 'GET', `${base}/care-test-clinical`)).statusCode).toBe(403);
  });

  it('keeps clinical content from staff and admins unless they also care for the patient', async () => {
    const { clinic, patient, staff, admin, as, call, base } = await clinicWithPeople();
    const clerk = await as(staff.id);
    expect((await call(clerk, 'GET', base)).json()).toMatchObject({ access: 'clinic-staff' });
    const denied = await call(clerk, 'GET', `${base}/care-test-clinical`);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ type: '/problems/forbidden' });

    // The admin is also a provider at the clinic, and joins this patient's care team.
    await addRole(t.testDatabase.database.db, admin.id, clinic.id, 'provider');
    const boss = await as(admin.id);
    expect((await call(boss, 'GET', `${base}/care-test-clinical`)).statusCode).toBe(403);
    await call(boss, 'PUT', `${base}/care-team/${admin.id}`);
    expect((await call(boss, 'GET', `${base}/care-test-clinical`)).statusCode).toBe(200);
    // A patient of the clinic is not a provider: they cannot be put on a care team.
    const wrong = await call(boss, 'PUT', `${base}/care-team/${patient.id}`);
    expect(wrong.statusCode).toBe(404);
  });

  it('grants break-glass access for one hour, flagged, and tells every admin', async () => {
    const { clinic, provider, admin, as, call, base } = await clinicWithPeople();
    const secondAdmin = await makePerson(t.testDatabase.database.db, clinic.id, 'admin');
    const dr = await as(provider.id);

    const tooShort = await call(dr, 'POST', `${base}/break-glass`, { reason: 'urgent' });
    expect(tooShort.statusCode).toBe(400);

    const reason = 'Covering on-call; patient phoned with severe symptoms.';
    const granted = await call(dr, 'POST', `${base}/break-glass`, { reason });
    expect(granted.statusCode).toBe(201);
    expect(granted.json<{ expiresAt: string }>().expiresAt).toBe('2026-11-03T16:00:00.000Z');
    expect((await call(dr, 'GET', `${base}/care-test-clinical`)).json()).toMatchObject({
      basis: 'break-glass',
      breakGlassGrantId: granted.json<{ id: string }>().id,
    });
    const listed = await call(dr, 'GET', `/api/clinics/${clinic.id}/patients`);
    expect(listed.json()).toMatchObject({ patients: [{ relationship: 'break-glass' }] });

    // Every admin hears of it, without the patient being named.
    for (const who of [admin, secondAdmin]) {
      await expect
        .poll(async () => (await listOutbox(t.testDatabase.database.db, { to: who.email })).length)
        .toBe(1);
      const [mail] = await listOutbox(t.testDatabase.database.db, { to: who.email });
      expect(mail).toMatchObject({ category: 'break-glass' });
      expect(mail!.textBody).not.toContain(reason);
    }
    const boss = await as(admin.id);
    const review = await call(boss, 'GET', `/api/clinics/${clinic.id}/break-glass`);
    expect(review.json()).toMatchObject({
      grants: [{ providerId: provider.id, reason, reviewedAt: null }],
    });
    const grantId = review.json<{ grants: { id: string }[] }>().grants[0]!.id;
    await call(boss, 'POST', `/api/clinics/${clinic.id}/break-glass/${grantId}/review`);
    expect((await call(boss, 'GET', `/api/clinics/${clinic.id}/break-glass`)).json()).toMatchObject(
      { grants: [{ reviewedAt: expect.any(String) }] },
    );

    // An hour later the record is closed again (a fresh session: the old one idled out).
    clock.advance(60 * 60 * 1000 + 1);
    const later = await as(provider.id);
    expect((await call(later, 'GET', `${base}/care-test-clinical`)).statusCode).toBe(403);
  });

  it('lets a provider find a patient by exact email only, and lists only their own patients', async () => {
    const { clinic, patient, provider, staff, as, call } = await clinicWithPeople();
    const dr = await as(provider.id);
    const list = `/api/clinics/${clinic.id}/patients`;
    expect((await call(dr, 'GET', list)).json()).toEqual({ patients: [] });
    const found = await call(
      dr,
      'GET',
      `${list}?email=${encodeURIComponent(patient.email.toUpperCase())}`,
    );
    expect(found.json()).toMatchObject({ patients: [{ id: patient.id }] });
    const clerk = await as(staff.id);
    expect((await call(clerk, 'GET', list)).json()).toMatchObject({
      patients: [{ id: patient.id }],
    });
  });

  it('refuses emergency access to a patient the provider already cares for, or to oneself', async () => {
    const { clinic, provider, staff, as, call, base } = await clinicWithPeople();
    await call(await as(staff.id), 'PUT', `${base}/care-team/${provider.id}`);
    const dr = await as(provider.id);
    const reason = 'Reviewing an urgent result for the patient.';
    expect((await call(dr, 'POST', `${base}/break-glass`, { reason })).statusCode).toBe(409);
    await addRole(t.testDatabase.database.db, provider.id, clinic.id, 'patient');
    const own = `/api/clinics/${clinic.id}/patients/${provider.id}/break-glass`;
    expect((await call(dr, 'POST', own, { reason })).statusCode).toBe(409);
    // Another clinic's patient does not exist for this provider.
    const elsewhere = await makeClinic(t.testDatabase.database.db);
    const stranger = await makePerson(t.testDatabase.database.db, elsewhere.id, 'patient');
    const far = `/api/clinics/${clinic.id}/patients/${stranger.id}/break-glass`;
    expect((await call(dr, 'POST', far, { reason })).statusCode).toBe(404);
  });
});
