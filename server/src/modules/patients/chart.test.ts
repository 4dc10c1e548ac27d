import { sql } from 'drizzle-orm';
import type {
  ChartHistory,
  CorrectionRequest,
  HealthHistory,
  InsurancePolicy,
  PatientProfile,
} from '@openvisit/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careTeamMembers } from '../../db/schema/index.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { makePng, multipartBody } from '../documents/documents-test-kit.js';

describe('patient chart', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await t.app.ready();
  });
  afterAll(() => t.close());

  async function chartWithPeople() {
    const db = t.testDatabase.database.db;
    const clinic = await makeClinic(db);
    const patient = await makePerson(db, clinic.id, 'patient');
    const provider = await makePerson(db, clinic.id, 'provider');
    const staff = await makePerson(db, clinic.id, 'staff');
    await db.insert(careTeamMembers).values({
      organizationId: clinic.id,
      patientUserId: patient.id,
      providerUserId: provider.id,
      assignedBy: staff.id,
    });
    const cookie = async (userId: string) => (await signedInCookie(t, userId)).cookie;
    const [me, dr, clerk] = [
      await cookie(patient.id),
      await cookie(provider.id),
      await cookie(staff.id),
    ];
    const call = (who: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/clinics/${clinic.id}/patients/${patient.id}${url}`,
        headers: { ...sameOrigin, cookie: who },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    return { clinic, patient, provider, staff, me, dr, clerk, call };
  }

  const profile = {
    legalName: 'Maria Elena Garcia',
    preferredName: 'Maria',
    birthDate: '1988-04-12',
    sexAtBirth: 'female',
    phone: '+1 (512) 555-0142',
    addressLine1: '12 Oak Street',
    city: 'Austin',
    state: 'TX',
    postalCode: '78701',
    preferredLanguage: 'es',
    timeZone: 'America/Chicago',
  };

  it('keeps every version of the profile, and refuses an edit based on a stale one', async () => {
    const { me, clerk, patient, staff, call } = await chartWithPeople();
    expect((await call(me, 'GET', '/profile')).json()).toEqual({ profile: null });

    const first = await call(me, 'PUT', '/profile', { ...profile, expectedVersion: 0 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<{ profile: PatientProfile }>().profile).toMatchObject({
      ...profile,
      version: 1,
      recordedBy: { id: patient.id },
      genderIdentity: null,
    });

    const second = await call(clerk, 'PUT', '/profile', {
      ...profile,
      phone: '+1 512 555 0199',
      expectedVersion: 1,
      changeReason: 'Patient called with a new number',
    });
    expect(second.json<{ profile: PatientProfile }>().profile).toMatchObject({
      version: 2,
      recordedBy: { id: staff.id },
    });

    // Someone still looking at version 1 cannot overwrite version 2.
    const stale = await call(me, 'PUT', '/profile', {
      ...profile,
      city: 'Dallas',
      expectedVersion: 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ type: '/problems/version-conflict' });

    const history = (await call(me, 'GET', '/profile/history')).json<ChartHistory>();
    expect(history.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(history.versions[0]).toMatchObject({
      changed: ['phone'],
      changeReason: 'Patient called with a new number',
      values: { phone: '+1 512 555 0199' },
    });
    expect(history.versions[1]!.values.phone).toBe('+1 (512) 555-0142');
  });

  it('answers bad input with field errors and stores nothing', async () => {
    const { me, patient, call } = await chartWithPeople();
    const res = await call(me, 'PUT', '/profile', {
      ...profile,
      state: 'XX',
      timeZone: 'Mars/Olympus',
      birthDate: '2999-01-01',
      expectedVersion: 0,
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.state', 'body.timeZone', 'body.birthDate']),
    );
    const rows = await queryRows(
      t.testDatabase.database.db,
      sql`select 1 from patient_profile_versions where patient_user_id = ${patient.id}`,
    );
    expect(rows).toHaveLength(0);
  });

  it('two simultaneous edits of one version: one wins, the other gets a conflict', async () => {
    const { me, clerk, call } = await chartWithPeople();
    await call(me, 'PUT', '/profile', { ...profile, expectedVersion: 0 });
    const results = await Promise.all([
      call(me, 'PUT', '/profile', { ...profile, city: 'Houston', expectedVersion: 1 }),
      call(clerk, 'PUT', '/profile', { ...profile, city: 'El Paso', expectedVersion: 1 }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
  });

  it('records allergies, medications and conditions with their history; removal is a version', async () => {
    const { me, dr, clerk, patient, provider, call } = await chartWithPeople();
    const allergy = await call(me, 'POST', '/health-items', {
      kind: 'allergy',
      display: 'Penicillin',
      codeSystem: 'http://snomed.info/sct',
      code: '91936005',
      detail: 'Hives',
      severity: 'moderate',
    });
    expect(allergy.statusCode, allergy.body).toBe(201);
    // The audit event, committed before the entry existed, names it.
    const [created] = await queryRows<{ resourceId: string; resourceType: string }>(
      t.testDatabase.database.db,
      sql`select resource_id as "resourceId", resource_type as "resourceType" from audit_events
          where request_id = ${allergy.headers['x-request-id'] as string} and action = 'create'`,
    );
    expect(created).toEqual({
      resourceId: allergy.json<{ id: string }>().id,
      resourceType: 'health-item',
    });
    const med = await call(dr, 'POST', '/health-items', {
      kind: 'medication',
      display: 'Lisinopril 10 mg daily',
    });
    expect(med.statusCode).toBe(201);
    // Only allergies have a severity.
    const bad = await call(dr, 'POST', '/health-items', {
      kind: 'condition',
      display: 'Hypertension',
      severity: 'severe',
    });
    expect(bad.statusCode).toBe(400);

    const list = (await call(dr, 'GET', '/health-items')).json<HealthHistory>();
    expect(list.items).toHaveLength(2);
    expect(list.items[0]).toMatchObject({
      kind: 'allergy',
      reportedBy: { id: patient.id, self: true },
    });
    expect(list.items[1]).toMatchObject({ kind: 'medication', reportedBy: { id: provider.id } });

    // Staff see who the patient is, not their health.
    expect((await call(clerk, 'GET', '/health-items')).statusCode).toBe(403);

    const itemId = med.json<{ id: string }>().id;
    const removed = await call(dr, 'PUT', `/health-items/${itemId}`, {
      display: 'Lisinopril 10 mg daily',
      status: 'entered-in-error',
      expectedVersion: 1,
      changeReason: 'Wrong patient',
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await call(me, 'GET', '/health-items')).json<HealthHistory>().items).toHaveLength(1);
    const withErrors = (
      await call(me, 'GET', '/health-items?includeErrors=true')
    ).json<HealthHistory>();
    expect(withErrors.items).toHaveLength(2);
    const history = (await call(me, 'GET', `/health-items/${itemId}/history`)).json<ChartHistory>();
    expect(history.versions).toMatchObject([
      { version: 2, changed: ['status'], changeReason: 'Wrong patient' },
      { version: 1 },
    ]);
    // Nothing was deleted: both versions are rows.
    const rows = await queryRows(
      t.testDatabase.database.db,
      sql`select version from health_item_versions where item_id = ${itemId} order by version`,
    );
    expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('stores the insurance member id as ciphertext and shows it in plain text to the allowed', async () => {
    const { me, clerk, call } = await chartWithPeople();
    const created = await call(me, 'POST', '/insurance', {
      rank: 'primary',
      payer: 'Blue Cross Blue Shield of Texas',
      plan: 'PPO Gold',
      memberId: 'XQJ884512907',
      groupNumber: '0049213',
      subscriberRelationship: 'self',
    });
    expect(created.statusCode, created.body).toBe(201);
    const policyId = created.json<InsurancePolicy>().id;

    const [row] = await queryRows<{ sealed: string; all: string }>(
      t.testDatabase.database.db,
      sql`select member_id_sealed as sealed, to_jsonb(i)::text as all
          from insurance_policy_versions i where policy_id = ${policyId}`,
    );
    expect(row!.all).not.toContain('XQJ884512907');
    expect(row!.sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\./);

    const list = (await call(clerk, 'GET', '/insurance')).json<{ policies: InsurancePolicy[] }>();
    expect(list.policies).toMatchObject([{ id: policyId, memberId: 'XQJ884512907', version: 1 }]);

    const updated = await call(clerk, 'PUT', `/insurance/${policyId}`, {
      ...created.json<InsurancePolicy>(),
      memberId: 'XQJ884512999',
      status: 'active',
      expectedVersion: 1,
      changeReason: 'New card',
    });
    expect(updated.statusCode, updated.body).toBe(200);
    const history = (await call(me, 'GET', `/insurance/${policyId}/history`)).json<ChartHistory>();
    expect(history.versions[0]).toMatchObject({ changed: ['memberId'] });
    expect(history.versions[1]!.values.memberId).toBe('XQJ884512907');

    // A sealed member id copied onto another policy does not open there.
    const other = await call(me, 'POST', '/insurance', {
      rank: 'secondary',
      payer: 'Aetna',
      memberId: 'W0000000',
      subscriberRelationship: 'spouse',
      subscriberName: 'Luis Garcia',
    });
    const otherId = other.json<InsurancePolicy>().id;
    await t.testDatabase.database.db.execute(
      sql`update insurance_policy_versions set member_id_sealed = ${row!.sealed}
          where policy_id = ${otherId}`,
    );
    expect((await call(me, 'GET', '/insurance')).statusCode).toBe(500);
  });

  it('attaches only the patient’s own insurance-card documents as card photos', async () => {
    const { me, call, clinic, patient } = await chartWithPeople();
    const other = await makePerson(t.testDatabase.database.db, clinic.id, 'patient');
    const otherCookie = (await signedInCookie(t, other.id)).cookie;
    const upload = async (who: string, patientId: string, category: string) => {
      const body = multipartBody({ category }, { name: 'card.png', bytes: makePng() });
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/clinics/${clinic.id}/patients/${patientId}/documents`,
        headers: { ...sameOrigin, cookie: who, ...body.headers },
        payload: body.payload,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const card = await upload(me, patient.id, 'insurance-card');
    const lab = await upload(me, patient.id, 'lab-result');
    const policy = {
      rank: 'primary',
      payer: 'Card Mutual',
      memberId: 'CARD-1234',
      subscriberRelationship: 'self',
    };
    const ok = await call(me, 'POST', '/insurance', { ...policy, cardFrontDocumentId: card });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json<InsurancePolicy>().cardFrontDocumentId).toBe(card);
    // A lab result is not a card; another patient's card is not this patient's.
    const wrongKind = await call(me, 'POST', '/insurance', { ...policy, cardBackDocumentId: lab });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe(
      'body.cardBackDocumentId',
    );
    const theirs = await upload(otherCookie, other.id, 'insurance-card');
    const someoneElses = await call(me, 'POST', '/insurance', {
      ...policy,
      cardFrontDocumentId: theirs,
    });
    expect(someoneElses.statusCode).toBe(400);
  });

  it('takes correction requests from the patient; staff decide the administrative ones in writing', async () => {
    const { me, clerk, dr, patient, clinic, call } = await chartWithPeople();
    const asked = await call(me, 'POST', '/corrections', {
      section: 'profile',
      requestedChange: 'My middle name is Elena, not Elaine.',
    });
    expect(asked.statusCode, asked.body).toBe(201);
    // Only the patient asks; a provider cannot file one on their behalf.
    const byProvider = await call(dr, 'POST', '/corrections', {
      section: 'other',
      requestedChange: 'Something about this record.',
    });
    expect(byProvider.statusCode).toBe(403);

    const queue = await t.app.inject({
      url: `/api/clinics/${clinic.id}/corrections`,
      headers: { ...sameOrigin, cookie: clerk },
    });
    expect(queue.json<{ requests: CorrectionRequest[] }>().requests).toMatchObject([
      { id: asked.json<CorrectionRequest>().id, patientId: patient.id, status: 'pending' },
    ]);

    const id = asked.json<CorrectionRequest>().id;
    const reason = 'The name matches the driver license copy we hold on file.';
    const denied = await call(clerk, 'POST', `/corrections/${id}/decision`, {
      decision: 'denied',
      reason,
    });
    expect(denied.statusCode, denied.body).toBe(200);
    expect(denied.json()).toMatchObject({ status: 'denied', decidedBy: expect.any(String) });
    // A decision is final.
    const again = await call(clerk, 'POST', `/corrections/${id}/decision`, {
      decision: 'accepted',
      reason: 'Changed my mind about this one.',
    });
    expect(again.statusCode).toBe(409);
    const mine = await call(me, 'GET', '/corrections');
    expect(mine.json<{ requests: CorrectionRequest[] }>().requests[0]).toMatchObject({
      status: 'denied',
      decisionReason: reason,
    });
  });

  it('keeps requests about health content from staff: the patient’s provider decides them', async () => {
    const { me, clerk, dr, clinic, call } = await chartWithPeople();
    const text = 'I am not allergic to penicillin; it was amoxicillin.';
    const asked = await call(me, 'POST', '/corrections', {
      section: 'health-history',
      requestedChange: text,
    });
    const id = asked.json<CorrectionRequest>().id;
    const queue = await t.app.inject({
      url: `/api/clinics/${clinic.id}/corrections`,
      headers: { ...sameOrigin, cookie: clerk },
    });
    expect(queue.body).not.toContain(text);
    expect((await call(clerk, 'GET', '/corrections')).body).not.toContain(text);
    const byStaff = await call(clerk, 'POST', `/corrections/${id}/decision`, {
      decision: 'denied',
      reason: 'Staff should not be able to decide this.',
    });
    expect(byStaff.statusCode).toBe(404);

    expect((await call(dr, 'GET', '/corrections')).body).toContain(text);
    const accepted = await call(dr, 'POST', `/corrections/${id}/decision`, {
      decision: 'accepted',
      reason: 'Corrected: the allergy is to amoxicillin.',
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted' });
  });
});
