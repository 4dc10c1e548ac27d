import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careTeamMembers, consentDocuments, consentSignatures } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { createConsentService } from './consent-service.js';
import { consentContentHash } from './content-hash.js';

interface Doc {
  id: string;
  kind: string;
  version: number;
  contentHash: string;
}

describe('consent documents and signatures', () => {
  const clock = manualClock(new Date('2026-11-03T15:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ clock, env: { RATE_LIMIT_MAX: '100000' } });
    await t.app.ready();
  });
  afterAll(() => t.close());
  const db = () => t.testDatabase.database.db;

  async function clinicWithPeople() {
    const clinic = await makeClinic(db());
    const patient = await makePerson(db(), clinic.id, 'patient');
    const otherPatient = await makePerson(db(), clinic.id, 'patient');
    const provider = await makePerson(db(), clinic.id, 'provider');
    const staff = await makePerson(db(), clinic.id, 'staff');
    const admin = await makePerson(db(), clinic.id, 'admin');
    await db().insert(careTeamMembers).values({
      organizationId: clinic.id,
      patientUserId: patient.id,
      providerUserId: provider.id,
      assignedBy: admin.id,
    });
    const as = async (userId: string) => (await signedInCookie(t, userId, clock)).cookie;
    const call = (cookie: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: { ...sameOrigin, cookie, 'user-agent': 'consent-test/1.0' },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    const documents = `/api/clinics/${clinic.id}/consent-documents`;
    const consents = `/api/clinics/${clinic.id}/patients/${patient.id}/consents`;
    const boss = await as(admin.id);
    const publish = async (kind: string, required = true, title = `About ${kind}`) => {
      // A fresh session each time: tests move the clock past the idle limit.
      const res = await call(await as(admin.id), 'POST', documents, {
        kind,
        title,
        body: `Please read this ${kind} document.\r\n\r\nIt explains what happens.`,
        required,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<Doc>();
    };
    return {
      clinic,
      patient,
      otherPatient,
      provider,
      staff,
      admin,
      as,
      call,
      documents,
      consents,
      boss,
      publish,
    };
  }

  const sign = (doc: Doc, typedName = 'Maria Lopez') => ({
    consentDocumentId: doc.id,
    typedName,
    contentHash: doc.contentHash,
  });

  it('versions documents per kind, hashing what a signature attests to', async () => {
    const { clinic, as, call, documents, patient, publish } = await clinicWithPeople();
    const v1 = await publish('telehealth');
    const v2 = await publish('telehealth', true, 'Telehealth consent, revised');
    const privacy = await publish('privacy-notice', false);
    expect([v1.version, v2.version, privacy.version]).toEqual([1, 2, 1]);
    const [stored] = await db()
      .select()
      .from(consentDocuments)
      .where(eq(consentDocuments.id, v2.id));
    // Line endings normalized before hashing; the hash covers kind, version, title and body.
    expect(stored!.body).toBe('Please read this telehealth document.\n\nIt explains what happens.');
    expect(stored!.contentHash).toBe(consentContentHash(stored!));
    expect(v2.contentHash).not.toBe(v1.contentHash);

    // Everyone at the clinic reads the current versions; only admins get the history.
    const mine = await call(await as(patient.id), 'GET', documents);
    expect(mine.json()).toEqual({
      current: [
        expect.objectContaining({ kind: 'telehealth', version: 2 }),
        expect.objectContaining({ kind: 'privacy-notice', version: 1, required: false }),
      ],
    });
    const admin = await call(
      await as((await makePerson(db(), clinic.id, 'admin')).id),
      'GET',
      documents,
    );
    expect(
      admin
        .json<{ history: Doc[] }>()
        .history.map((d) => d.version)
        .sort(),
    ).toEqual([1, 1, 2]);
    expect(admin.json<{ history: object[] }>().history[0]).not.toHaveProperty('body');

    const invalid = await call(await as(patient.id), 'POST', documents, {
      kind: 'telehealth',
      title: 'x',
      body: 'short',
      required: true,
    });
    expect(invalid.statusCode).toBe(404);
  });

  it('lets only the patient sign the current version, recording when, where and what', async () => {
    const { patient, otherPatient, provider, staff, as, call, consents, boss, publish } =
      await clinicWithPeople();
    const doc = await publish('telehealth');
    const me = await as(patient.id);
    const res = await call(me, 'POST', consents, sign(doc, '  maria   lopez '));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      kind: 'telehealth',
      version: 1,
      typedName: 'maria lopez',
      signedAt: clock.now().toISOString(),
      contentHash: doc.contentHash,
    });
    const [row] = await db()
      .select()
      .from(consentSignatures)
      .where(eq(consentSignatures.patientUserId, patient.id));
    expect(row).toMatchObject({
      ipAddress: '127.0.0.1',
      userAgent: 'consent-test/1.0',
      contentHash: doc.contentHash,
    });
    await t.auditWriter.flush();
    const events = await queryRows<Record<string, unknown>>(
      db(),
      sql`select action, resource_type, basis, outcome from audit_events
          where request_id = ${res.headers['x-request-id'] as string}`,
    );
    expect(events).toEqual([
      { action: 'create', resource_type: 'consent-signature', basis: 'self', outcome: 'allowed' },
    ]);

    // Signing again changes nothing and answers with the first signature.
    clock.advance(60_000);
    const again = await call(me, 'POST', consents, sign(doc, 'Someone Else'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      id: res.json<{ id: string }>().id,
      typedName: 'maria lopez',
    });

    // Nobody signs for a patient: not staff, not their provider, not an admin, not another patient.
    expect((await call(boss, 'POST', consents, sign(doc))).statusCode).toBe(403);
    expect((await call(await as(staff.id), 'POST', consents, sign(doc))).statusCode).toBe(403);
    expect((await call(await as(provider.id), 'POST', consents, sign(doc))).statusCode).toBe(403);
    expect((await call(await as(otherPatient.id), 'POST', consents, sign(doc))).statusCode).toBe(
      404,
    );

    const blank = await call(me, 'POST', consents, sign(doc, '  x  '));
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({ errors: [{ path: 'body.typedName' }] });
  });

  it('refuses a signature on a superseded version or a different text (consent-version-changed)', async () => {
    const { patient, as, call, consents, publish } = await clinicWithPeople();
    const v1 = await publish('telehealth');
    const me = await as(patient.id);
    const stale = await call(me, 'POST', consents, { ...sign(v1), contentHash: 'a'.repeat(64) });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ type: '/problems/consent-version-changed' });

    await publish('telehealth');
    const old = await call(me, 'POST', consents, sign(v1));
    expect(old.statusCode).toBe(409);
    expect(old.json()).toMatchObject({
      type: '/problems/consent-version-changed',
      detail: expect.stringMatching(/^Version 2 of the telehealth consent/),
    });
    expect(
      await db()
        .select()
        .from(consentSignatures)
        .where(eq(consentSignatures.patientUserId, patient.id)),
    ).toEqual([]);
  });

  it('reports where the patient stands and asks again after a new version', async () => {
    const { clinic, patient, provider, staff, as, call, consents, publish } =
      await clinicWithPeople();
    const service = createConsentService({ db: db(), clock });
    // Nothing published yet: nothing to sign.
    expect(await service.missingRequiredConsents(clinic.id, patient.id)).toEqual([]);

    const telehealth = await publish('telehealth');
    const privacy = await publish('privacy-notice');
    await publish('financial-policy', false);
    const me = await as(patient.id);
    expect(await service.missingRequiredConsents(clinic.id, patient.id)).toEqual([
      'telehealth',
      'privacy-notice',
    ]);
    await expect(service.assertConsented(clinic.id, patient.id)).rejects.toMatchObject({
      code: 'consent-required',
      status: 409,
      detail: expect.stringContaining('missing: telehealth, privacy-notice'),
    });

    const signedAt = clock.now().toISOString();
    await call(me, 'POST', consents, sign(telehealth));
    await call(me, 'POST', consents, sign(privacy));
    await expect(service.assertConsented(clinic.id, patient.id)).resolves.toBeUndefined();

    clock.advance(24 * 60 * 60 * 1000);
    await publish('telehealth', true, 'Telehealth consent (updated)');
    const error = await service.assertConsented(clinic.id, patient.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);

    // The patient, their provider and staff read the status; a fresh session (a day passed).
    for (const who of [patient.id, provider.id, staff.id]) {
      const res = await call(await as(who), 'GET', consents);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        consents: [
          expect.objectContaining({
            kind: 'telehealth',
            current: expect.objectContaining({ version: 2 }),
            signed: false,
            signedVersion: 1,
            signedAt,
            resign: true,
          }),
          expect.objectContaining({ kind: 'privacy-notice', signed: true, resign: false }),
          expect.objectContaining({
            kind: 'financial-policy',
            required: false,
            signed: false,
            signedAt: null,
            resign: false,
          }),
        ],
        missingRequired: ['telehealth'],
      });
    }
    // A provider without a care relationship may not.
    const stranger = await makePerson(db(), clinic.id, 'provider');
    expect((await call(await as(stranger.id), 'GET', consents)).statusCode).toBe(403);
  });
});
