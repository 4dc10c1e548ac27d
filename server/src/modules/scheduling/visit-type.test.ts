import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visitTypes } from '../../db/schema/index.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { makeIntakeForm, testIntakeForm } from '../intake/intake-test-kit.js';

describe('visit types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT_MAX: '100000' } });
    await t.app.ready();
  });
  afterAll(() => t.close());
  const db = () => t.testDatabase.database.db;

  async function clinicWithPeople() {
    const clinic = await makeClinic(db());
    const admin = await makePerson(db(), clinic.id, 'admin');
    const staff = await makePerson(db(), clinic.id, 'staff');
    const patient = await makePerson(db(), clinic.id, 'patient');
    await makeIntakeForm(db(), clinic.id, admin.id);
    const as = async (userId: string) => (await signedInCookie(t, userId)).cookie;
    const call = (cookie: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: { ...sameOrigin, cookie },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    const base = `/api/clinics/${clinic.id}/visit-types`;
    return { clinic, admin, staff, patient, as, call, base };
  }

  const urgentCare = (overrides: Record<string, unknown> = {}) => ({
    name: 'Urgent care video visit',
    durationMinutes: 20,
    bufferAfterMinutes: 5,
    modality: 'video',
    priceCents: 7900,
    intakeFormSlug: testIntakeForm.slug,
    requiredConsentKinds: ['telehealth', 'privacy-notice', 'telehealth'],
    cancellationWindowHours: 24,
    ...overrides,
  });

  const auditOf = async (requestId: string) => {
    await t.auditWriter.flush();
    return queryRows<Record<string, unknown>>(
      db(),
      sql`select action, resource_type, resource_id, outcome from audit_events
          where request_id = ${requestId}`,
    );
  };

  it('lets an admin add a visit type, with defaults, a slug from the name, and an audit event', async () => {
    const { admin, as, call, base } = await clinicWithPeople();
    const res = await call(await as(admin.id), 'POST', base, urgentCare());
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<{ id: string }>();
    expect(created).toMatchObject({
      slug: 'urgent-care-video-visit',
      name: 'Urgent care video visit',
      durationMinutes: 20,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 5,
      modality: 'video',
      priceCents: 7900,
      currency: 'USD',
      intakeFormSlug: 'test-intake',
      requiredConsentKinds: ['telehealth', 'privacy-notice'],
      cancellationWindowHours: 24,
      active: true,
    });
    expect(await auditOf(res.headers['x-request-id'] as string)).toEqual([
      {
        action: 'create',
        resource_type: 'visit-type',
        resource_id: created.id,
        outcome: 'allowed',
      },
    ]);
    // The same name again would take the same slug: refused, nothing stored.
    const twice = await call(await as(admin.id), 'POST', base, urgentCare());
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ type: '/problems/conflict' });
  });

  it('refuses every bad field at once, by path, and stores nothing', async () => {
    const { clinic, admin, as, call, base } = await clinicWithPeople();
    const res = await call(
      await as(admin.id),
      'POST',
      base,
      urgentCare({
        durationMinutes: 4,
        bufferBeforeMinutes: 121,
        bufferAfterMinutes: -1,
        modality: 'fax',
        priceCents: -1,
        requiredConsentKinds: ['telehealth', 'blood-oath'],
        cancellationWindowHours: 169,
        slug: 'Not A Slug',
      }),
    );
    expect(res.statusCode).toBe(400);
    const paths = res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
    expect(paths.sort()).toEqual([
      'body.bufferAfterMinutes',
      'body.bufferBeforeMinutes',
      'body.cancellationWindowHours',
      'body.durationMinutes',
      'body.modality',
      'body.priceCents',
      'body.requiredConsentKinds.1',
      'body.slug',
    ]);
    // A questionnaire the clinic does not have.
    const unknownForm = await call(
      await as(admin.id),
      'POST',
      base,
      urgentCare({ intakeFormSlug: 'no-such-form' }),
    );
    expect(unknownForm.statusCode).toBe(400);
    expect(unknownForm.json()).toMatchObject({
      errors: [{ path: 'body.intakeFormSlug', message: 'No intake questionnaire by this name.' }],
    });
    const stored = await db()
      .select()
      .from(visitTypes)
      .where(eq(visitTypes.organizationId, clinic.id));
    expect(stored).toEqual([]);
  });

  it('retires a visit type with active=false: members stop seeing it, admins still do', async () => {
    const { admin, staff, patient, as, call, base } = await clinicWithPeople();
    const boss = await as(admin.id);
    const phone = (
      await call(boss, 'POST', base, {
        name: 'Phone check-in',
        durationMinutes: 15,
        modality: 'phone',
        priceCents: 0,
        requiredConsentKinds: [],
        cancellationWindowHours: 0,
      })
    ).json<{ id: string }>();
    const video = (await call(boss, 'POST', base, urgentCare())).json<{ id: string }>();

    const retire = await call(boss, 'PUT', `${base}/${phone.id}`, {
      ...urgentCare({ name: 'Phone check-in', modality: 'phone', durationMinutes: 15 }),
      active: false,
    });
    expect(retire.statusCode, retire.body).toBe(200);
    expect(retire.json()).toMatchObject({ active: false, slug: 'phone-check-in' });
    expect(await auditOf(retire.headers['x-request-id'] as string)).toEqual([
      { action: 'update', resource_type: 'visit-type', resource_id: phone.id, outcome: 'allowed' },
    ]);

    const names = async (cookie: string, query = '') =>
      (await call(cookie, 'GET', `${base}${query}`))
        .json<{ visitTypes: { id: string }[] }>()
        .visitTypes.map((v) => v.id);
    const patientCookie = await as(patient.id);
    expect(await names(patientCookie)).toEqual([video.id]);
    // Only admins may ask for retired ones; others get the active list.
    expect(await names(patientCookie, '?includeInactive=true')).toEqual([video.id]);
    expect(await names(await as(staff.id), '?includeInactive=true')).toEqual([video.id]);
    expect((await names(boss, '?includeInactive=true')).sort()).toEqual(
      [phone.id, video.id].sort(),
    );

    // The row is still there: appointments keep their visit type.
    const [row] = await db().select().from(visitTypes).where(eq(visitTypes.id, phone.id));
    expect(row).toMatchObject({ active: false });
  });

  it('answers 404 for a visit type of another clinic, and only admins change them', async () => {
    const { admin, staff, as, call, base } = await clinicWithPeople();
    const elsewhere = await clinicWithPeople();
    const theirs = (
      await call(await as(elsewhere.admin.id), 'POST', elsewhere.base, urgentCare())
    ).json<{ id: string }>();
    const res = await call(await as(admin.id), 'PUT', `${base}/${theirs.id}`, {
      ...urgentCare(),
      active: true,
    });
    expect(res.statusCode).toBe(404);
    const byStaff = await call(await as(staff.id), 'POST', base, urgentCare());
    expect([403, 404]).toContain(byStaff.statusCode);
  });
});
