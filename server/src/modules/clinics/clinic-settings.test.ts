import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizations } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';

describe("the clinic's time zone setting", () => {
  const clock = manualClock(new Date('2026-03-01T12:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ clock, env: { RATE_LIMIT_MAX: '100000' } });
    await t.app.ready();
  });
  afterAll(() => t.close());
  const db = () => t.testDatabase.database.db;

  async function clinicWithPeople() {
    const clinic = await makeClinic(db());
    const admin = await makePerson(db(), clinic.id, 'admin');
    const staff = await makePerson(db(), clinic.id, 'staff');
    const provider = await makePerson(db(), clinic.id, 'provider');
    const elsewhere = await makeClinic(db(), 'Elsewhere');
    const otherAdmin = await makePerson(db(), elsewhere.id, 'admin');
    const as = async (userId: string) => (await signedInCookie(t, userId, clock)).cookie;
    const call = async (userId: string, method: 'GET' | 'PUT', payload?: object) =>
      t.app.inject({
        method,
        url: `/api/clinics/${clinic.id}/settings`,
        headers: { ...sameOrigin, cookie: await as(userId) },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    const storedZone = async () =>
      (await db().select().from(organizations).where(eq(organizations.id, clinic.id)))[0]!.timezone;
    return { clinic, admin, staff, provider, otherAdmin, call, storedZone };
  }

  const auditOf = async (requestId: string) => {
    await t.auditWriter.flush();
    return queryRows<Record<string, unknown>>(
      db(),
      sql`select action, resource_type, resource_id, organization_id, outcome from audit_events
          where request_id = ${requestId}`,
    );
  };

  it('lets an admin read and change the zone, audited, and the public page follows', async () => {
    const { clinic, admin, call, storedZone } = await clinicWithPeople();
    const read = await call(admin.id, 'GET');
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({
      id: clinic.id,
      name: clinic.name,
      timeZone: 'America/Chicago',
    });

    clock.advance(60_000);
    const changed = await call(admin.id, 'PUT', { timeZone: 'America/New_York' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toEqual({
      id: clinic.id,
      name: clinic.name,
      timeZone: 'America/New_York',
      updatedAt: clock.now().toISOString(),
    });
    expect(await storedZone()).toBe('America/New_York');
    expect(await auditOf(changed.headers['x-request-id'] as string)).toEqual([
      {
        action: 'update',
        resource_type: 'clinic-settings',
        resource_id: clinic.id,
        organization_id: clinic.id,
        outcome: 'allowed',
      },
    ]);

    const publicPage = await t.app.inject({ method: 'GET', url: `/api/clinics/${clinic.slug}` });
    expect(publicPage.json()).toMatchObject({ timezone: 'America/New_York' });
  });

  it('refuses a zone that is not an IANA zone, changing nothing', async () => {
    const { admin, call, storedZone } = await clinicWithPeople();
    for (const timeZone of ['Mars/Olympus_Mons', 'EST5EDT-ish', '', 'Central Time']) {
      const res = await call(admin.id, 'PUT', { timeZone });
      expect(res.statusCode, timeZone).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ errors: [{ path: 'body.timeZone' }] });
    }
    expect((await call(admin.id, 'PUT', {})).statusCode).toBe(400);
    expect(await storedZone()).toBe('America/Chicago');
  });

  it('lets the front desk read it but only admins change it; other clinics see nothing', async () => {
    const { staff, provider, otherAdmin, call, storedZone } = await clinicWithPeople();
    expect((await call(staff.id, 'GET')).json()).toMatchObject({ timeZone: 'America/Chicago' });
    const byStaff = await call(staff.id, 'PUT', { timeZone: 'America/Denver' });
    expect(byStaff.statusCode).toBe(404);
    await expect
      .poll(async () => (await auditOf(byStaff.headers['x-request-id'] as string))[0]?.outcome)
      .toBe('denied');
    expect((await call(provider.id, 'GET')).statusCode).toBe(404);
    expect([403, 404]).toContain((await call(otherAdmin.id, 'GET')).statusCode);
    expect([403, 404]).toContain(
      (await call(otherAdmin.id, 'PUT', { timeZone: 'America/Denver' })).statusCode,
    );
    expect(await storedZone()).toBe('America/Chicago');
  });
});
