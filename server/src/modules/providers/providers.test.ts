import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerLicenses, providerProfiles } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { makePng, multipartBody } from '../documents/documents-test-kit.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { createLicensingService } from './licensing.js';

describe('provider profiles and licenses', () => {
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
    const provider = await makePerson(db(), clinic.id, 'provider');
    const colleague = await makePerson(db(), clinic.id, 'provider');
    const staff = await makePerson(db(), clinic.id, 'staff');
    const admin = await makePerson(db(), clinic.id, 'admin');
    const as = async (userId: string) => (await signedInCookie(t, userId, clock)).cookie;
    const call = (cookie: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: { ...sameOrigin, cookie },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    const base = `/api/clinics/${clinic.id}/provider-profiles`;
    return { clinic, patient, provider, colleague, staff, admin, as, call, base };
  }

  const profile = (overrides: Record<string, unknown> = {}) => ({
    credentials: 'MD',
    specialties: ['Family Medicine'],
    npi: '1234567893',
    languages: ['en', 'zh'],
    bio: 'Family doctor.',
    timeZone: 'America/Chicago',
    ...overrides,
  });

  const auditOf = async (requestId: string) => {
    await t.auditWriter.flush();
    return queryRows<Record<string, unknown>>(
      db(),
      sql`select action, resource_type, resource_id, outcome, actor_user_id from audit_events
          where request_id = ${requestId}`,
    );
  };

  it('lets a provider edit their own profile, validates every field, and audits the change', async () => {
    const { provider, colleague, admin, as, call, base } = await clinicWithPeople();
    const dr = await as(provider.id);
    // Credentials and the NPI are the clinic's to verify: the provider cannot set them.
    const own = await call(dr, 'PUT', `${base}/${provider.id}`, profile());
    expect(own.statusCode).toBe(403);
    const credentialed = await call(await as(admin.id), 'PUT', `${base}/${provider.id}`, {
      ...profile(),
      bio: 'Set by the admin.',
    });
    expect(credentialed.statusCode, credentialed.body).toBe(200);
    const res = await call(dr, 'PUT', `${base}/${provider.id}`, profile());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      providerId: provider.id,
      credentials: 'MD',
      npi: '1234567893',
      languages: ['en', 'zh'],
      detailed: true,
    });
    expect(await auditOf(res.headers['x-request-id'] as string)).toEqual([
      {
        action: 'update',
        resource_type: 'provider-profile',
        resource_id: provider.id,
        outcome: 'allowed',
        actor_user_id: provider.id,
      },
    ]);

    // Every bad field at once, by path; nothing changes.
    const bad = await call(
      dr,
      'PUT',
      `${base}/${provider.id}`,
      profile({
        npi: '1234567890',
        languages: ['en', '!!'],
        bio: 'x'.repeat(2001),
        timeZone: 'Nowhere/Land',
      }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ type: '/problems/validation' });
    const paths = bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
    expect(paths.sort()).toEqual(['body.bio', 'body.languages.1', 'body.npi', 'body.timeZone']);
    const [row] = await db()
      .select()
      .from(providerProfiles)
      .where(eq(providerProfiles.providerUserId, provider.id));
    expect(row).toMatchObject({ npi: '1234567893', bio: 'Family doctor.' });

    // Another provider may not edit it, and the refusal is recorded as denied.
    const other = await call(await as(colleague.id), 'PUT', `${base}/${provider.id}`, profile());
    expect(other.statusCode).toBe(403);
    await expect
      .poll(async () => (await auditOf(other.headers['x-request-id'] as string))[0]?.outcome)
      .toBe('denied');
  });

  it('keeps an NPI unique per clinic (409), and lets an admin clear it', async () => {
    const { provider, colleague, admin, as, call, base } = await clinicWithPeople();
    const boss = await as(admin.id);
    expect((await call(boss, 'PUT', `${base}/${provider.id}`, profile())).statusCode).toBe(200);
    const taken = await call(boss, 'PUT', `${base}/${colleague.id}`, profile());
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ type: '/problems/conflict' });
    // The same NPI at another clinic is that clinic's business.
    const elsewhere = await makeClinic(db());
    const otherDr = await makePerson(db(), elsewhere.id, 'provider');
    const otherAdmin = await makePerson(db(), elsewhere.id, 'admin');
    const otherRes = await call(
      await as(otherAdmin.id),
      'PUT',
      `/api/clinics/${elsewhere.id}/provider-profiles/${otherDr.id}`,
      profile(),
    );
    expect(otherRes.statusCode).toBe(200);
    const cleared = await call(boss, 'PUT', `${base}/${provider.id}`, profile({ npi: '' }));
    expect(cleared.json()).toMatchObject({ npi: null });
    expect((await call(boss, 'PUT', `${base}/${colleague.id}`, profile())).statusCode).toBe(200);
    // Only providers have profiles.
    expect(
      (await call(boss, 'PUT', `${base}/${admin.id}`, profile({ npi: null }))).statusCode,
    ).toBe(404);
  });

  it('records licenses, replaces a live one for the same state keeping it, and revokes', async () => {
    const { provider, admin, patient, as, call, base } = await clinicWithPeople();
    const boss = await as(admin.id);
    const licenses = `${base}/${provider.id}/licenses`;
    const first = await call(boss, 'POST', licenses, {
      state: 'CA',
      licenseNumber: 'A 12345',
      expiresOn: '2027-06-30',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ replacedId: null });
    const [event] = await auditOf(first.headers['x-request-id'] as string);
    expect(event).toMatchObject({ action: 'permission_change', resource_type: 'provider-license' });

    const renewed = await call(boss, 'POST', licenses, {
      state: 'CA',
      licenseNumber: 'A 12345',
      expiresOn: '2029-06-30',
    });
    expect(renewed.json()).toMatchObject({ replacedId: first.json<{ id: string }>().id });
    const rows = await db()
      .select()
      .from(providerLicenses)
      .where(eq(providerLicenses.providerUserId, provider.id));
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.revokedAt === null)).toMatchObject([{ expiresOn: '2029-06-30' }]);

    // An expiry date already past, a state that is not one, in one answer.
    const bad = await call(boss, 'POST', licenses, {
      state: 'XX',
      licenseNumber: 'B-1',
      expiresOn: '2026-11-02',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
      'body.state',
    ]);
    const past = await call(boss, 'POST', licenses, {
      state: 'TX',
      licenseNumber: 'B-1',
      expiresOn: '2026-11-02',
    });
    expect(past.statusCode).toBe(400);
    expect(past.json()).toMatchObject({ errors: [{ path: 'body.expiresOn' }] });
    // Today is still fine: a license is valid through its last day.
    const today = await call(boss, 'POST', licenses, {
      state: 'TX',
      licenseNumber: 'B-1',
      expiresOn: '2026-11-03',
    });
    expect(today.statusCode).toBe(201);

    // Admins and the provider see numbers, expiry and history; patients and colleagues
    // see states and whether each is active.
    const full = await call(boss, 'GET', `${base}/${provider.id}`);
    expect(full.json()).toMatchObject({
      detailed: true,
      licenses: [
        { state: 'CA', status: 'active', licenseNumber: 'A 12345', expiresOn: '2029-06-30' },
        { state: 'CA', status: 'revoked', active: false },
        { state: 'TX', status: 'active' },
      ],
    });
    const publicView = await call(await as(patient.id), 'GET', `${base}/${provider.id}`);
    expect(publicView.json()).toMatchObject({
      detailed: false,
      licenses: [
        { state: 'CA', active: true },
        { state: 'TX', active: true },
      ],
    });
    expect(publicView.body).not.toContain('A 12345');
    expect(publicView.body).not.toContain('2029-06-30');

    const caId = renewed.json<{ id: string }>().id;
    const revoke = await call(boss, 'POST', `${licenses}/${caId}/revoke`);
    expect(revoke.statusCode).toBe(204);
    expect((await call(boss, 'POST', `${licenses}/${caId}/revoke`)).statusCode).toBe(204);
    const [revoked] = await db()
      .select()
      .from(providerLicenses)
      .where(and(eq(providerLicenses.id, caId)));
    expect(revoked?.revokedBy).toBe(admin.id);
    const unknown = await call(boss, 'POST', `${licenses}/${crypto.randomUUID()}/revoke`);
    expect(unknown.statusCode).toBe(404);
  });

  it('lists the directory, filtered by an active license in the patient’s state', async () => {
    const { clinic, provider, colleague, admin, patient, as, call, base } =
      await clinicWithPeople();
    const boss = await as(admin.id);
    await call(boss, 'POST', `${base}/${provider.id}/licenses`, {
      state: 'TX',
      licenseNumber: 'TX-1',
      expiresOn: '2026-11-03',
    });
    await call(boss, 'POST', `${base}/${colleague.id}/licenses`, {
      state: 'CA',
      licenseNumber: 'CA-1',
      expiresOn: '2028-01-01',
    });
    const me = await as(patient.id);
    const all = await call(me, 'GET', base);
    expect(all.statusCode).toBe(200);
    expect(all.json<{ providers: unknown[] }>().providers).toHaveLength(2);
    const inTexas = await call(me, 'GET', `${base}?state=TX`);
    expect(inTexas.json()).toMatchObject({ providers: [{ providerId: provider.id }] });
    expect(inTexas.json<{ providers: unknown[] }>().providers).toHaveLength(1);

    const eligibility = (providerId: string, state?: string) =>
      call(me, 'GET', `${base}/${providerId}/eligibility${state ? `?state=${state}` : ''}`);
    expect((await eligibility(provider.id, 'TX')).json()).toMatchObject({ eligible: true });
    expect((await eligibility(provider.id, 'CA')).json()).toEqual({
      eligible: false,
      reason: 'no-license',
      message: 'Test provider holds no active license in CA.',
    });
    expect((await eligibility(provider.id)).json()).toMatchObject({
      eligible: false,
      reason: 'patient-location-unknown',
    });
    expect((await eligibility(patient.id, 'TX')).statusCode).toBe(404);

    // The day after the Texas license's last day, in Texas.
    clock.advance(15 * 60 * 60 * 1000);
    const later = await as(patient.id);
    expect((await call(later, 'GET', `${base}?state=TX`)).json()).toEqual({ providers: [] });
    expect(
      (await call(later, 'GET', `${base}/${provider.id}/eligibility?state=TX`)).json(),
    ).toMatchObject({ eligible: false, reason: 'license-expired' });
    // Another clinic's directory does not exist for this patient.
    const elsewhere = await makeClinic(db());
    expect(
      (await call(later, 'GET', `/api/clinics/${elsewhere.id}/provider-profiles`)).statusCode,
    ).toBe(404);
    expect(clinic.id).not.toBe(elsewhere.id);
  });

  it('names the current photo in the profile, so a new photo gets a new address', async () => {
    const { clinic, provider, patient, as, call, base } = await clinicWithPeople();
    const dr = await as(provider.id);
    const photoUrl = `/api/clinics/${clinic.id}/providers/${provider.id}/photo`;
    const profileOf = async () =>
      (await call(await as(patient.id), 'GET', `${base}/${provider.id}`)).json<{
        hasPhoto: boolean;
        photoId: string | null;
      }>();
    expect(await profileOf()).toMatchObject({ hasPhoto: false, photoId: null });

    const uploadPhoto = async () => {
      const body = multipartBody({}, { name: 'me.png', bytes: makePng() });
      const res = await t.app.inject({
        method: 'POST',
        url: photoUrl,
        headers: { ...sameOrigin, cookie: dr, ...body.headers },
        payload: body.payload,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ documentId: string }>().documentId;
    };
    const first = await uploadPhoto();
    expect(await profileOf()).toEqual(expect.objectContaining({ hasPhoto: true, photoId: first }));
    const second = await uploadPhoto();
    expect(second).not.toBe(first);
    expect((await profileOf()).photoId).toBe(second);
    // The id goes in the address as a version; the route serves the current photo.
    const shown = await call(dr, 'GET', `${photoUrl}?v=${second}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toBe('image/png');
  });

  describe('assertMayPractise (what scheduling and video visits call)', () => {
    async function licensed() {
      const clinic = await makeClinic(db());
      const provider = await makePerson(db(), clinic.id, 'provider');
      const admin = await makePerson(db(), clinic.id, 'admin');
      const at = new Date('2026-11-03T15:00:00Z');
      const add = (state: string, expiresOn: string, revokedAt: Date | null = null) =>
        db()
          .insert(providerLicenses)
          .values({
            organizationId: clinic.id,
            providerUserId: provider.id,
            state,
            licenseNumber: `${state}-1`,
            expiresOn,
            createdBy: admin.id,
            revokedAt,
            revokedBy: revokedAt ? admin.id : null,
          });
      await add('CA', '2027-06-30');
      await add('FL', '2026-10-31');
      await add('WA', '2028-01-31', new Date('2026-10-01T00:00:00Z'));
      const licensing = createLicensingService({
        db: db(),
        directory: createPeopleDirectory(db()),
      });
      const refusal = async (state: string | null) => {
        try {
          await licensing.assertMayPractise(clinic.id, provider.id, state, at);
          return undefined;
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          return { code: err.code, status: err.status, detail: err.detail };
        }
      };
      return { refusal };
    }

    it('passes in a state where the provider is licensed', async () => {
      const { refusal } = await licensed();
      expect(await refusal('CA')).toBeUndefined();
    });

    it('refuses out of state, expired, revoked and unknown-state with problems that say why', async () => {
      const { refusal } = await licensed();
      expect(await refusal('TX')).toEqual({
        code: 'provider-not-licensed',
        status: 409,
        detail: 'Test provider holds no active license in TX.',
      });
      expect(await refusal('FL')).toMatchObject({
        code: 'provider-not-licensed',
        detail: expect.stringMatching(/expired on 2026-10-31/),
      });
      expect(await refusal('WA')).toMatchObject({
        code: 'provider-not-licensed',
        detail: expect.stringMatching(/revoked/),
      });
      expect(await refusal(null)).toMatchObject({ code: 'patient-location-unknown', status: 409 });
    });
  });
});
