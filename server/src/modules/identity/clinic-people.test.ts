import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { identityKit } from './identity-test-kit.js';

describe("a clinic admin manages the clinic's people", () => {
  let t: TestApp;
  let kit: ReturnType<typeof identityKit>;
  const clock = manualClock(new Date('2026-11-02T16:00:00Z'));
  const epoch = () => Math.floor(clock.now().getTime() / 1000);
  let clinicId: string;
  let otherClinicId: string;
  let adminCookie: string;
  let adminId: string;

  beforeAll(async () => {
    t = await buildTestApp({ clock });
    kit = identityKit(t);
    const db = t.testDatabase.database.db;
    clinicId = (await makeClinic(db)).id;
    otherClinicId = (await makeClinic(db, 'Other Clinic')).id;
    const admin = await makePerson(db, clinicId, 'admin');
    adminId = admin.id;
    adminCookie = (await kit.loginWithAuthenticator(admin.email, admin.password, epoch())).cookie;
  });
  afterAll(() => t.close());

  const members = (cookie: string | undefined, id = clinicId) =>
    kit.get(`/api/clinics/${id}/members`, cookie);
  const act = (cookie: string, path: string) =>
    t.app.inject({ method: 'POST', url: path, headers: { ...sameOrigin, cookie } });

  it('lists the clinic’s people, and nobody else may', async () => {
    const db = t.testDatabase.database.db;
    const patient = await makePerson(db, clinicId, 'patient');
    const res = await members(adminCookie);
    expect(res.statusCode).toBe(200);
    const list = res.json<{ members: { id: string; roles: string[]; mfaEnabled: boolean }[] }>();
    expect(list.members.find((m) => m.id === adminId)).toMatchObject({
      roles: ['admin'],
      mfaEnabled: true,
    });

    expect((await members(undefined)).statusCode).toBe(401);
    const patientLogin = await kit.login(patient.email, patient.password);
    expect((await members(patientLogin.cookie)).statusCode).toBe(404);
    // An admin of another clinic cannot see this one, nor can this admin see theirs.
    const otherAdmin = await makePerson(db, otherClinicId, 'admin');
    const other = await kit.loginWithAuthenticator(otherAdmin.email, otherAdmin.password, epoch());
    expect((await members(other.cookie)).statusCode).toBe(404);
    expect((await members(adminCookie, otherClinicId)).statusCode).toBe(404);
    // An admin who has not finished two-step sign-in gets nothing either.
    const newAdmin = await makePerson(db, clinicId, 'admin');
    const half = await kit.login(newAdmin.email, newAdmin.password);
    expect((await members(half.cookie)).statusCode).toBe(403);
  });

  it("lets the clinic's workforce see colleagues by name, for handing work over", async () => {
    const db = t.testDatabase.database.db;
    const staff = await makePerson(db, clinicId, 'staff');
    const provider = await makePerson(db, clinicId, 'provider');
    const patient = await makePerson(db, clinicId, 'patient');
    const leaver = await makePerson(db, clinicId, 'staff');
    await db.update(users).set({ status: 'disabled' }).where(eq(users.id, leaver.id));
    const elsewhere = await makePerson(db, otherClinicId, 'staff');
    const { cookie } = await signedInCookie(t, staff.id, clock);

    const res = await kit.get(`/api/clinics/${clinicId}/colleagues`, cookie);
    expect(res.statusCode, res.body).toBe(200);
    const { colleagues } = res.json<{
      colleagues: { id: string; displayName: string; roles: string[] }[];
    }>();
    const ids = colleagues.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([staff.id, provider.id, adminId]));
    expect(ids).not.toContain(patient.id);
    expect(ids).not.toContain(leaver.id);
    expect(ids).not.toContain(elsewhere.id);
    expect(colleagues.find((c) => c.id === provider.id)).toEqual({
      id: provider.id,
      displayName: provider.displayName,
      roles: ['provider'],
    });
    // Names only: addresses and account state stay on the admins' list.
    expect(res.body).not.toContain(staff.email);
  });

  it('invites a provider, who chooses a password by a single-use link', async () => {
    const email = 'dr.new@example.test';
    const invited = await kit.post(
      `/api/clinics/${clinicId}/invitations`,
      { email, displayName: 'Dr. New', role: 'provider' },
      adminCookie,
    );
    expect(invited.statusCode).toBe(202);
    const token = kit.tokenIn((await kit.latestMail(email, 'invite')).textBody);

    const weak = await kit.post('/api/auth/accept-invite', { token, password: 'password1234' });
    expect(weak.statusCode).toBe(400);
    const password = 'cedar-falcon-meridian-5';
    expect((await kit.post('/api/auth/accept-invite', { token, password })).statusCode).toBe(204);
    expect((await kit.post('/api/auth/accept-invite', { token, password })).statusCode).toBe(400);

    const { res } = await kit.login(email, password);
    // A provider must set up two-step sign-in before anything else.
    expect(res.json()).toMatchObject({ session: { stage: 'mfa-enrollment' } });
  });

  it('disables an account: its sessions end and it cannot sign in', async () => {
    const db = t.testDatabase.database.db;
    const staff = await makePerson(db, clinicId, 'staff');
    const session = await kit.login(staff.email, staff.password);
    expect(
      (await act(adminCookie, `/api/clinics/${clinicId}/members/${staff.id}/disable`)).statusCode,
    ).toBe(204);
    expect((await kit.get('/api/auth/session', session.cookie)).statusCode).toBe(401);
    expect(
      (await kit.post('/api/auth/login', { email: staff.email, password: staff.password }))
        .statusCode,
    ).toBe(401);

    expect(
      (await act(adminCookie, `/api/clinics/${clinicId}/members/${adminId}/disable`)).statusCode,
    ).toBe(409);
    const outsider = await makePerson(db, otherClinicId, 'provider');
    expect(
      (await act(adminCookie, `/api/clinics/${clinicId}/members/${outsider.id}/disable`))
        .statusCode,
    ).toBe(404);
    expect(
      (await kit.post('/api/auth/login', { email: outsider.email, password: outsider.password }))
        .statusCode,
    ).toBe(200);
  });

  it('signs a person out on every device, who can then sign in again', async () => {
    const db = t.testDatabase.database.db;
    const patient = await makePerson(db, clinicId, 'patient');
    const laptop = await kit.login(patient.email, patient.password);
    const phone = await kit.login(patient.email, patient.password);
    const path = `/api/clinics/${clinicId}/members/${patient.id}/end-sessions`;
    expect((await act(adminCookie, path)).statusCode).toBe(204);
    for (const device of [laptop, phone]) {
      expect((await kit.get('/api/auth/session', device.cookie)).statusCode).toBe(401);
    }
    await kit.login(patient.email, patient.password);
    const outsider = await makePerson(db, otherClinicId, 'patient');
    const far = `/api/clinics/${clinicId}/members/${outsider.id}/end-sessions`;
    expect((await act(adminCookie, far)).statusCode).toBe(404);
  });

  it('resets a lost authenticator: the person sets up a new one at the next sign-in', async () => {
    const db = t.testDatabase.database.db;
    const dr = await makePerson(db, clinicId, 'provider');
    clock.advance(60_000);
    const before = await kit.loginWithAuthenticator(dr.email, dr.password, epoch());
    expect(
      (await act(adminCookie, `/api/clinics/${clinicId}/members/${dr.id}/reset-mfa`)).statusCode,
    ).toBe(204);
    expect((await kit.get('/api/auth/session', before.cookie)).statusCode).toBe(401);
    const { res } = await kit.login(dr.email, dr.password);
    expect(res.json()).toMatchObject({ session: { stage: 'mfa-enrollment' } });
  });
});
