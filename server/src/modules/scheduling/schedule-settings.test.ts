import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityRules, providerProfiles } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';

describe("providers' schedules", () => {
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
    const provider = await makePerson(db(), clinic.id, 'provider');
    const colleague = await makePerson(db(), clinic.id, 'provider');
    const staff = await makePerson(db(), clinic.id, 'staff');
    const patient = await makePerson(db(), clinic.id, 'patient');
    await db().insert(providerProfiles).values({
      organizationId: clinic.id,
      providerUserId: provider.id,
      timeZone: 'America/Chicago',
    });
    const as = async (userId: string) => (await signedInCookie(t, userId, clock)).cookie;
    const call = (
      cookie: string,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      payload?: object,
    ) =>
      t.app.inject({
        method,
        url,
        headers: { ...sameOrigin, cookie },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    const base = `/api/clinics/${clinic.id}/providers/${provider.id}/schedule`;
    return { clinic, provider, colleague, staff, patient, as, call, base };
  }

  const weekdays = (startTime: string, endTime: string, days = [1, 2, 3, 4, 5]) =>
    days.map((weekday) => ({ weekday, startTime, endTime }));
  const schedule = (overrides: Record<string, unknown> = {}) => ({
    timeZone: 'America/Chicago',
    minimumNoticeMinutes: 60,
    bookingHorizonDays: 30,
    rules: [...weekdays('09:00', '12:00'), ...weekdays('13:00', '17:00')],
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

  it('shows defaults in the profile zone until saved, then the saved schedule to every member', async () => {
    const { provider, patient, as, call, base } = await clinicWithPeople();
    const before = await call(await as(patient.id), 'GET', base);
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toEqual({
      providerId: provider.id,
      configured: false,
      timeZone: 'America/Chicago',
      minimumNoticeMinutes: 120,
      bookingHorizonDays: 60,
      rules: [],
    });

    const saved = await call(await as(provider.id), 'PUT', base, schedule());
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ configured: true, minimumNoticeMinutes: 60 });
    expect(saved.json<{ rules: unknown[] }>().rules).toHaveLength(10);
    expect(await auditOf(saved.headers['x-request-id'] as string)).toEqual([
      {
        action: 'update',
        resource_type: 'provider-schedule',
        resource_id: provider.id,
        outcome: 'allowed',
      },
    ]);
    const read = await call(await as(patient.id), 'GET', base);
    expect(read.json<{ rules: unknown[] }>().rules[0]).toEqual({
      weekday: 1,
      startTime: '09:00',
      endTime: '12:00',
    });
  });

  it('replaces the weekly rules as a whole set, and takes 24:00 as the end of the day', async () => {
    const { provider, staff, as, call, base } = await clinicWithPeople();
    await call(await as(provider.id), 'PUT', base, schedule());
    // Staff manage a provider's calendar too.
    const res = await call(
      await as(staff.id),
      'PUT',
      base,
      schedule({ rules: [{ weekday: 6, startTime: '20:00', endTime: '24:00' }] }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ rules: unknown[] }>().rules).toEqual([
      { weekday: 6, startTime: '20:00', endTime: '24:00' },
    ]);
    const stored = await db()
      .select()
      .from(availabilityRules)
      .where(eq(availabilityRules.providerUserId, provider.id));
    expect(stored).toHaveLength(1);
  });

  it('refuses overlapping, backwards and malformed rules and a bad zone, changing nothing', async () => {
    const { provider, as, call, base } = await clinicWithPeople();
    const dr = await as(provider.id);
    await call(dr, 'PUT', base, schedule());
    const bad = await call(
      dr,
      'PUT',
      base,
      schedule({
        timeZone: 'Mars/Olympus_Mons',
        minimumNoticeMinutes: 10_081,
        bookingHorizonDays: 0,
        rules: [
          { weekday: 1, startTime: '09:00', endTime: '12:00' },
          { weekday: 1, startTime: '11:30', endTime: '13:00' },
          { weekday: 2, startTime: '17:00', endTime: '09:00' },
          { weekday: 7, startTime: '9:00', endTime: '25:00' },
          { weekday: 3, startTime: '24:00', endTime: '24:00' },
        ],
      }),
    );
    expect(bad.statusCode).toBe(400);
    const paths = bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
    expect(paths.sort()).toEqual([
      'body.bookingHorizonDays',
      'body.minimumNoticeMinutes',
      'body.rules.1.startTime',
      'body.rules.2.endTime',
      'body.rules.3.endTime',
      'body.rules.3.startTime',
      'body.rules.3.weekday',
      'body.rules.4.startTime',
      'body.timeZone',
    ]);
    // In words a person can act on.
    const overlapping = await call(
      dr,
      'PUT',
      base,
      schedule({
        rules: [
          { weekday: 1, startTime: '09:00', endTime: '12:00' },
          { weekday: 1, startTime: '11:30', endTime: '13:00' },
          { weekday: 2, startTime: '17:00', endTime: '09:00' },
          { weekday: 3, startTime: '24:00', endTime: '24:00' },
        ],
      }),
    );
    expect(overlapping.statusCode).toBe(400);
    expect(overlapping.json<{ errors: unknown[] }>().errors).toEqual([
      {
        path: 'body.rules.2.endTime',
        message: 'The end must be after the start (split hours past midnight into two rules).',
      },
      {
        path: 'body.rules.3.startTime',
        message: 'A rule cannot start at 24:00; for midnight use 00:00.',
      },
      { path: 'body.rules.1.startTime', message: 'Overlaps 09:00–12:00 on Monday.' },
    ]);
    const after = await call(dr, 'GET', base);
    expect(after.json()).toMatchObject({ timeZone: 'America/Chicago', minimumNoticeMinutes: 60 });
    expect(after.json<{ rules: unknown[] }>().rules).toHaveLength(10);
  });

  it("lets a provider change only their own calendar (a colleague's answers 403, recorded as denied)", async () => {
    const { colleague, as, call, base } = await clinicWithPeople();
    const res = await call(await as(colleague.id), 'PUT', base, schedule());
    expect(res.statusCode).toBe(403);
    await expect
      .poll(async () => (await auditOf(res.headers['x-request-id'] as string))[0]?.outcome)
      .toBe('denied');
    const exceptions = await call(await as(colleague.id), 'GET', `${base}/exceptions`);
    expect(exceptions.statusCode).toBe(403);
  });

  it('adds, lists and removes time off and extra hours', async () => {
    const { provider, patient, as, call, base } = await clinicWithPeople();
    const dr = await as(provider.id);
    const timeOff = await call(dr, 'POST', `${base}/exceptions`, {
      kind: 'time-off',
      startsAt: '2026-03-10T09:00:00-05:00',
      endsAt: '2026-03-11T09:00:00-05:00',
      note: 'Conference',
    });
    expect(timeOff.statusCode, timeOff.body).toBe(201);
    expect(timeOff.json()).toMatchObject({
      kind: 'time-off',
      startsAt: '2026-03-10T14:00:00.000Z',
      endsAt: '2026-03-11T14:00:00.000Z',
      note: 'Conference',
    });
    const created = timeOff.json<{ id: string }>();
    expect((await auditOf(timeOff.headers['x-request-id'] as string))[0]).toMatchObject({
      action: 'update',
      resource_type: 'provider-schedule',
      resource_id: provider.id,
    });
    const past = await call(dr, 'POST', `${base}/exceptions`, {
      kind: 'extra-hours',
      startsAt: '2026-02-01T15:00:00Z',
      endsAt: '2026-02-01T17:00:00Z',
    });
    expect(past.statusCode).toBe(201);

    // By default the list holds what is not over yet; a window shows the past too.
    const list = async (query = '') =>
      (await call(dr, 'GET', `${base}/exceptions${query}`))
        .json<{ exceptions: { id: string }[] }>()
        .exceptions.map((e) => e.id);
    expect(await list()).toEqual([created.id]);
    expect(await list('?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z')).toEqual([
      past.json<{ id: string }>().id,
    ]);

    const backwards = await call(dr, 'POST', `${base}/exceptions`, {
      kind: 'time-off',
      startsAt: '2026-03-10T10:00:00Z',
      endsAt: '2026-03-10T09:00:00Z',
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ errors: [{ path: 'body.endsAt' }] });

    // Patients see the effect in the slot search, not the provider's notes.
    const byPatient = await call(await as(patient.id), 'GET', `${base}/exceptions`);
    expect(byPatient.statusCode).toBe(404);

    const removed = await call(dr, 'DELETE', `${base}/exceptions/${created.id}`);
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await list()).toEqual([]);
  });

  it('keeps a removed exception as removed (when, by whom), hidden from every read; removing twice is harmless', async () => {
    const { provider, colleague, staff, as, call, base } = await clinicWithPeople();
    const desk = await as(staff.id);
    const add = async (startsAt: string, endsAt: string) => {
      const res = await call(desk, 'POST', `${base}/exceptions`, {
        kind: 'time-off',
        startsAt,
        endsAt,
        note: 'Vacation',
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const gone = await add('2026-03-16T00:00:00Z', '2026-03-17T00:00:00Z');
    const kept = await add('2026-03-20T00:00:00Z', '2026-03-21T00:00:00Z');
    const list = async (query = '') => {
      const res = await call(desk, 'GET', `${base}/exceptions${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ exceptions: { id: string }[] }>().exceptions.map((e) => e.id);
    };

    const removedAt = clock.now().toISOString();
    const first = await call(desk, 'DELETE', `${base}/exceptions/${gone}`);
    expect(first.statusCode, first.body).toBe(204);
    expect((await auditOf(first.headers['x-request-id'] as string))[0]).toMatchObject({
      action: 'update',
      resource_type: 'provider-schedule',
      resource_id: provider.id,
      outcome: 'allowed',
    });
    // A retry, or the provider removing it too, answers the same and changes nothing.
    clock.advance(60_000);
    expect((await call(desk, 'DELETE', `${base}/exceptions/${gone}`)).statusCode).toBe(204);
    const byProvider = await call(await as(provider.id), 'DELETE', `${base}/exceptions/${gone}`);
    expect(byProvider.statusCode).toBe(204);
    const rows = await queryRows<{
      id: string;
      deleted_at: Date | string | null;
      deleted_by: string | null;
    }>(
      db(),
      sql`select id, deleted_at, deleted_by from availability_exceptions
          where id in (${gone}, ${kept}) order by starts_at`,
    );
    expect(rows.map((r) => [r.id, r.deleted_by])).toEqual([
      [gone, staff.id],
      [kept, null],
    ]);
    expect(new Date(rows[0]!.deleted_at!).toISOString()).toBe(removedAt);
    expect(rows[1]!.deleted_at).toBeNull();

    // Neither the default list nor an explicit window shows it again.
    expect(await list()).toEqual([kept]);
    expect(await list('?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z')).toEqual([kept]);

    // An id that never was this provider's is still 404, removed or not.
    const colleagueBase = base.replace(provider.id, colleague.id);
    expect((await call(desk, 'DELETE', `${colleagueBase}/exceptions/${gone}`)).statusCode).toBe(
      404,
    );
    expect(
      (await call(desk, 'DELETE', `${base}/exceptions/00000000-0000-4000-8000-000000000000`))
        .statusCode,
    ).toBe(404);
  });

  it('answers 404 for someone who is not a provider of the clinic', async () => {
    const { clinic, patient, staff, as, call } = await clinicWithPeople();
    const res = await call(
      await as(staff.id),
      'GET',
      `/api/clinics/${clinic.id}/providers/${patient.id}/schedule`,
    );
    expect(res.statusCode).toBe(404);
  });
});
