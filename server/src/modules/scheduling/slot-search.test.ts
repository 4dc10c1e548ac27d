import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments, providerProfiles, users } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { createIntakeService } from '../intake/intake-service.js';
import { createProviderService } from '../providers/provider-service.js';
import { makeLicense } from '../providers/provider-test-kit.js';
import { createBusySpans } from './appointment-queries.js';
import { createAvailabilityModule } from './availability-module.js';
import { makeSchedule, makeVisitType } from './availability-test-kit.js';

interface Found {
  providers: { providerId: string; displayName: string; timeZone: string; slots: string[] }[];
}

describe('slot search and the booking check', () => {
  // Sunday 2026-03-01, noon UTC: a week before the spring change, eight months before autumn's.
  const clock = manualClock(new Date('2026-03-01T12:00:00Z'));
  let t: TestApp;
  let w: Awaited<ReturnType<typeof makeWorld>>;
  beforeAll(async () => {
    t = await buildTestApp({ clock, env: { RATE_LIMIT_MAX: '100000' } });
    await t.app.ready();
    w = await makeWorld();
  });
  afterAll(() => t.close());
  const db = () => t.testDatabase.database.db;

  async function makeWorld() {
    const clinic = await makeClinic(db());
    const admin = await makePerson(db(), clinic.id, 'admin');
    const staff = await makePerson(db(), clinic.id, 'staff');
    const patient = await makePerson(db(), clinic.id, 'patient');
    const provider = async (
      displayName: string,
      profile: { timeZone: string; languages: string[]; specialties: string[] },
      licensedIn: string[],
    ) => {
      const person = await makePerson(db(), clinic.id, 'provider');
      await db().update(users).set({ displayName }).where(eq(users.id, person.id));
      await db()
        .insert(providerProfiles)
        .values({ organizationId: clinic.id, providerUserId: person.id, ...profile });
      for (const state of licensedIn) {
        await makeLicense(db(), clinic.id, person.id, admin.id, { state, expiresOn: '2099-12-31' });
      }
      return person;
    };
    // New York, Mon-Thu 08:00-16:00; Spanish; licensed in California.
    const okafor = await provider(
      'Dr. Ada Okafor',
      {
        timeZone: 'America/New_York',
        languages: ['en', 'es-MX'],
        specialties: ['Internal Medicine'],
      },
      ['CA'],
    );
    await makeSchedule(
      db(),
      clinic.id,
      okafor.id,
      { timeZone: 'America/New_York' },
      [1, 2, 3, 4].map((weekday) => ({ weekday, startTime: '08:00', endTime: '16:00' })),
    );
    // Chicago, Mon-Fri 09:00-12:00 and 13:00-17:00; Mandarin; licensed in New York only.
    const chen = await provider(
      'Dr. Lin Chen',
      { timeZone: 'America/Chicago', languages: ['en', 'zh'], specialties: ['Family Medicine'] },
      ['NY'],
    );
    await makeSchedule(db(), clinic.id, chen.id, { timeZone: 'America/Chicago' }, [
      ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, startTime: '09:00', endTime: '12:00' })),
      ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, startTime: '13:00', endTime: '17:00' })),
    ]);
    // Night owl in New York: Sundays 01:00-03:30, across both changes of 2026.
    const night = await provider(
      'Dr. Night Owl',
      { timeZone: 'America/New_York', languages: ['en'], specialties: ['Sleep Medicine'] },
      ['TX'],
    );
    await makeSchedule(db(), clinic.id, night.id, { timeZone: 'America/New_York' }, [
      { weekday: 0, startTime: '01:00', endTime: '03:30' },
    ]);
    // Licensed in California too, but has never saved a schedule: offers nothing.
    await provider(
      'Dr. No Hours',
      { timeZone: 'America/Denver', languages: ['en'], specialties: ['Internal Medicine'] },
      ['CA'],
    );
    const urgent = await makeVisitType(db(), clinic.id, {
      name: 'Urgent care video visit',
      durationMinutes: 20,
      bufferAfterMinutes: 5,
    });
    const checkIn = await makeVisitType(db(), clinic.id, {
      name: 'Phone check-in',
      durationMinutes: 15,
      modality: 'phone',
    });
    const retired = await makeVisitType(db(), clinic.id, { active: false });
    return { clinic, admin, staff, patient, okafor, chen, night, urgent, checkIn, retired };
  }

  const search = async (userId: string, query: Record<string, string>) => {
    const cookie = (await signedInCookie(t, userId, clock)).cookie;
    return t.app.inject({
      method: 'GET',
      url: `/api/clinics/${w.clinic.id}/slots?${new URLSearchParams(query).toString()}`,
      headers: { ...sameOrigin, cookie },
    });
  };
  const monday = { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' };
  const found = async (userId: string, query: Record<string, string>) => {
    const res = await search(userId, query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Found>().providers;
  };
  const names = (providers: Found['providers']) => providers.map((p) => p.displayName);

  it('lists providers with their bookable starts, the earliest first', async () => {
    const providers = await found(w.staff.id, { visitTypeId: w.urgent.id, ...monday });
    // 08:00 in New York comes before 09:00 in Chicago; Dr. No Hours offers nothing.
    expect(names(providers)).toEqual(['Dr. Ada Okafor', 'Dr. Lin Chen']);
    const [okafor, chen] = providers as [Found['providers'][0], Found['providers'][0]];
    expect(okafor).toMatchObject({ providerId: w.okafor.id, timeZone: 'America/New_York' });
    // 08:00-16:00 with 20 + 5 minutes: 08:00 … 15:30 local.
    expect(okafor.slots[0]).toBe('2026-03-02T13:00:00.000Z');
    expect(okafor.slots.at(-1)).toBe('2026-03-02T20:30:00.000Z');
    expect(okafor.slots).toHaveLength(31);
    // 09:00-11:30 and 13:00-16:30 Chicago time, the lunch hour skipped.
    expect(chen.slots).toHaveLength(11 + 15);
    expect(chen.slots).not.toContain('2026-03-02T18:00:00.000Z');
  });

  it('filters by licensing (state), language, specialty and provider', async () => {
    const q = { visitTypeId: w.urgent.id, ...monday };
    expect(names(await found(w.staff.id, { ...q, state: 'CA' }))).toEqual(['Dr. Ada Okafor']);
    expect(names(await found(w.staff.id, { ...q, state: 'NY' }))).toEqual(['Dr. Lin Chen']);
    expect(names(await found(w.staff.id, { ...q, state: 'GA' }))).toEqual([]);
    // Primary language: es finds es-MX, zh-Hant finds zh.
    expect(names(await found(w.staff.id, { ...q, language: 'es' }))).toEqual(['Dr. Ada Okafor']);
    expect(names(await found(w.staff.id, { ...q, language: 'zh-Hant' }))).toEqual(['Dr. Lin Chen']);
    expect(names(await found(w.staff.id, { ...q, specialty: 'family medicine' }))).toEqual([
      'Dr. Lin Chen',
    ]);
    expect(names(await found(w.staff.id, { ...q, providerId: w.chen.id }))).toEqual([
      'Dr. Lin Chen',
    ]);
  });

  it("searches a patient's own state by default, and gives a patient in Los Angeles the same instants", async () => {
    const cookie = (await signedInCookie(t, w.patient.id, clock)).cookie;
    const profile = await t.app.inject({
      method: 'PUT',
      url: `/api/clinics/${w.clinic.id}/patients/${w.patient.id}/profile`,
      headers: { ...sameOrigin, cookie },
      payload: {
        legalName: 'Slot Patient',
        state: 'CA',
        timeZone: 'America/Los_Angeles',
        expectedVersion: 0,
      },
    });
    expect(profile.statusCode, profile.body).toBe(200);
    const q = { visitTypeId: w.urgent.id, ...monday };
    const asPatient = await found(w.patient.id, q);
    expect(names(asPatient)).toEqual(['Dr. Ada Okafor']);
    // Staff in another zone asking for California see exactly the same instants.
    expect(await found(w.staff.id, { ...q, state: 'CA' })).toEqual(asPatient);
    // A patient may look elsewhere (travelling); booking checks where they are then.
    expect(names(await found(w.patient.id, { ...q, state: 'NY' }))).toEqual(['Dr. Lin Chen']);
  });

  it('leaves out time another booking holds, buffers included, but not a cancelled one', async () => {
    const booked = (startsAt: string, status: string) => {
      const start = new Date(startsAt);
      const end = new Date(start.getTime() + 20 * 60_000);
      return {
        organizationId: w.clinic.id,
        patientUserId: w.patient.id,
        providerUserId: w.okafor.id,
        visitTypeId: w.urgent.id,
        startsAt: start,
        endsAt: end,
        blockedFrom: start,
        blockedUntil: new Date(end.getTime() + 5 * 60_000),
        status,
        patientState: 'CA',
        bookedBy: w.patient.id,
      };
    };
    // Tuesday 10:00 New York (15:00 UTC): blocks 15:00-15:25 UTC.
    await db()
      .insert(appointments)
      .values([
        booked('2026-03-03T15:00:00Z', 'booked'),
        booked('2026-03-03T17:00:00Z', 'cancelled'),
      ]);
    const [okafor] = await found(w.staff.id, {
      visitTypeId: w.urgent.id,
      providerId: w.okafor.id,
      from: '2026-03-03T00:00:00Z',
      to: '2026-03-04T00:00:00Z',
    });
    // 14:45 would run into it, 15:00 and 15:15 overlap it, 15:30 starts after its buffer.
    for (const taken of ['14:45', '15:00', '15:15']) {
      expect(okafor!.slots).not.toContain(`2026-03-03T${taken}:00.000Z`);
    }
    expect(okafor!.slots).toContain('2026-03-03T14:30:00.000Z');
    expect(okafor!.slots).toContain('2026-03-03T15:30:00.000Z');
    expect(okafor!.slots).toContain('2026-03-03T17:00:00.000Z');
    expect(okafor!.slots).toHaveLength(31 - 3);
  });

  it('never uses a removed exception: removed time off is offered again, removed extra hours are not', async () => {
    const staff = (await signedInCookie(t, w.staff.id, clock)).cookie;
    const exceptions = `/api/clinics/${w.clinic.id}/providers/${w.chen.id}/schedule/exceptions`;
    const add = async (kind: string, startsAt: string, endsAt: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: exceptions,
        headers: { ...sameOrigin, cookie: staff },
        payload: { kind, startsAt, endsAt },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const remove = async (id: string) => {
      const res = await t.app.inject({
        method: 'DELETE',
        url: `${exceptions}/${id}`,
        headers: { ...sameOrigin, cookie: staff },
      });
      expect(res.statusCode, res.body).toBe(204);
    };
    const chenOn = async (from: string, to: string) =>
      (await found(w.staff.id, { visitTypeId: w.checkIn.id, providerId: w.chen.id, from, to }))[0]
        ?.slots ?? [];
    // Wednesday 2026-03-18 and Saturday 2026-03-21 in Chicago (UTC-5): no other test's days.
    const wednesday = ['2026-03-18T05:00:00Z', '2026-03-19T05:00:00Z'] as const;
    const saturday = ['2026-03-21T05:00:00Z', '2026-03-22T05:00:00Z'] as const;
    expect(await chenOn(...wednesday)).toHaveLength(12 + 16);
    expect(await chenOn(...saturday)).toEqual([]);

    const dayOff = await add('time-off', ...wednesday);
    const saturdayHours = await add('extra-hours', '2026-03-21T15:00:00Z', '2026-03-21T16:00:00Z');
    expect(await chenOn(...wednesday)).toEqual([]);
    expect(await chenOn(...saturday)).toEqual([
      '2026-03-21T15:00:00.000Z',
      '2026-03-21T15:15:00.000Z',
      '2026-03-21T15:30:00.000Z',
      '2026-03-21T15:45:00.000Z',
    ]);

    await remove(dayOff);
    await remove(saturdayHours);
    await remove(dayOff); // twice: harmless
    expect(await chenOn(...wednesday)).toHaveLength(12 + 16);
    expect(await chenOn(...saturday)).toEqual([]);
  });

  it('is right across the spring and autumn changes (America/New_York)', async () => {
    const sunday = (from: string, to: string) =>
      found(w.staff.id, { visitTypeId: w.checkIn.id, providerId: w.night.id, from, to });
    // Spring, 2026-03-08: 01:00 EST to 03:30 EDT is an hour and a half; no 02:xx.
    const [spring] = await sunday('2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z');
    expect(spring!.slots).toEqual([
      '2026-03-08T06:00:00.000Z',
      '2026-03-08T06:15:00.000Z',
      '2026-03-08T06:30:00.000Z',
      '2026-03-08T06:45:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T07:15:00.000Z',
    ]);
    // An ordinary Sunday: two and a half hours.
    const [ordinary] = await sunday('2026-03-15T04:00:00Z', '2026-03-16T04:00:00Z');
    expect(ordinary!.slots).toHaveLength(10);
    // Autumn, 2026-11-01: from the first 01:00 (EDT) to 03:30 EST is three and a half hours.
    const [autumn] = await sunday('2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z');
    expect(autumn!.slots).toHaveLength(14);
    expect(autumn!.slots[0]).toBe('2026-11-01T05:00:00.000Z');
    expect(autumn!.slots.at(-1)).toBe('2026-11-01T08:15:00.000Z');
    expect(new Set(autumn!.slots).size).toBe(14);
  });

  it('refuses a window over 31 days, a backwards one and visit types not on offer', async () => {
    const tooLong = await search(w.staff.id, {
      visitTypeId: w.urgent.id,
      from: '2026-03-01T00:00:00Z',
      to: '2026-04-02T00:00:00Z',
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({
      type: '/problems/validation',
      errors: [{ path: 'query.to', message: 'Search at most 31 days at a time.' }],
    });
    const backwards = await search(w.staff.id, {
      visitTypeId: w.urgent.id,
      from: monday.to,
      to: monday.from,
    });
    expect(backwards.statusCode).toBe(400);
    const garbage = await search(w.staff.id, { visitTypeId: 'nope', from: 'today', to: '' });
    expect(garbage.statusCode).toBe(400);
    expect(
      garbage
        .json<{ errors: { path: string }[] }>()
        .errors.map((e) => e.path)
        .sort(),
    ).toEqual(['query.from', 'query.to', 'query.visitTypeId']);
    const retired = await search(w.staff.id, { visitTypeId: w.retired.id, ...monday });
    expect(retired.statusCode).toBe(404);
    // A full 31 days (a provider's four weeks and more) is fine.
    const month = await found(w.staff.id, {
      visitTypeId: w.urgent.id,
      from: '2026-03-01T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
    });
    expect(month.length).toBeGreaterThan(0);
  });

  describe('assertBookable (for booking)', () => {
    const availability = () => {
      const directory = createPeopleDirectory(db());
      return createAvailabilityModule({
        db: db(),
        clock,
        directory,
        providers: createProviderService({ db: db(), clock, directory }),
        intake: createIntakeService({ db: db(), clock }),
        busySpans: createBusySpans(db()),
      }).slots;
    };
    const now = new Date('2026-03-01T12:00:00Z');
    const check = (
      startsAt: string,
      at = now,
      visitTypeId = w.urgent.id,
      providerId = w.okafor.id,
    ) =>
      availability().assertBookable(w.clinic.id, providerId, visitTypeId, new Date(startsAt), at);
    const refusal = async (promise: Promise<unknown>) => {
      const err = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      return { code: (err as AppError).code, status: (err as AppError).status };
    };

    it('answers the visit type, end and blocked span of an offered start', async () => {
      const slot = await check('2026-03-02T13:00:00Z');
      expect(slot.visitType).toMatchObject({ id: w.urgent.id, durationMinutes: 20 });
      expect(slot.endsAt.toISOString()).toBe('2026-03-02T13:20:00.000Z');
      expect(slot.blockedFrom.toISOString()).toBe('2026-03-02T13:00:00.000Z');
      expect(slot.blockedUntil.toISOString()).toBe('2026-03-02T13:25:00.000Z');
      // Busy time is the database's to decide: a booked start still passes this check.
      await expect(check('2026-03-03T15:00:00Z')).resolves.toBeDefined();
    });

    it('refuses with slot-unavailable (409) what the search would not offer', async () => {
      const unavailable = { code: 'slot-unavailable', status: 409 };
      expect(await refusal(check('2026-03-02T13:05:00Z'))).toEqual(unavailable); // off the grid
      expect(await refusal(check('2026-03-01T15:00:00Z'))).toEqual(unavailable); // a Sunday
      expect(await refusal(check('2026-03-02T20:45:00Z'))).toEqual(unavailable); // runs past 16:00
      // Already past at `now`, and beyond the 365-day horizon.
      expect(
        await refusal(check('2026-03-02T13:00:00Z', new Date('2026-03-02T13:01:00Z'))),
      ).toEqual(unavailable);
      expect(await refusal(check('2027-03-01T13:00:00Z'))).toEqual(unavailable);
      expect(await refusal(check('2026-03-02T13:00:00Z', now, w.retired.id))).toEqual({
        code: 'not-found',
        status: 404,
      });
      expect(await refusal(check('2026-03-02T13:00:00Z', now, w.urgent.id, w.staff.id))).toEqual({
        code: 'not-found',
        status: 404,
      });
    });
  });
});
