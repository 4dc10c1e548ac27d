import { eq, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Appointment, ClinicSchedule, PatientAppointments } from '@openvisit/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments, careTeamMembers, consentDocuments } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { makeConsentDocument } from '../consents/consent-test-kit.js';
import { createConsentService } from '../consents/consent-service.js';
import { makeLicense } from '../providers/provider-test-kit.js';
import { createBusySpans } from './appointment-queries.js';
import {
  makeAppointment,
  makeOpenSchedule,
  makeVisitType,
  setPatientState,
} from './appointment-test-kit.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('booking and appointments', () => {
  // A Monday; every test moves forward from wherever the previous one left it.
  const clock = manualClock(new Date('2026-03-02T12:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ clock, env: { RATE_LIMIT_MAX: '100000' } });
    await t.app.ready();
  });
  afterAll(() => t.close());
  const db = () => t.testDatabase.database.db;

  /** Midnight UTC `days` after today, plus `hours`: on the 15-minute grid of a UTC schedule. */
  const at = (days: number, hours: number) =>
    new Date(Math.floor(clock.now().getTime() / DAY) * DAY + days * DAY + hours * HOUR);

  /** A clinic where the patient (in CA) can book the provider (licensed in CA) any time. */
  async function world() {
    const clinic = await makeClinic(db());
    const person = (role: 'patient' | 'provider' | 'staff' | 'admin') =>
      makePerson(db(), clinic.id, role);
    const patient = await person('patient');
    const provider = await person('provider');
    const colleague = await person('provider');
    const staff = await person('staff');
    const admin = await person('admin');
    const visitType = await makeVisitType(db(), clinic.id);
    for (const p of [provider, colleague]) {
      await makeOpenSchedule(db(), clinic.id, p.id);
      await makeLicense(db(), clinic.id, p.id, admin.id);
    }
    await setPatientState(db(), clinic.id, patient.id, 'CA');
    // A fresh session per call: tests move the clock past the idle limit.
    const call = async (
      userId: string,
      method: 'GET' | 'POST',
      url: string,
      payload?: object,
      headers: Record<string, string> = {},
    ) =>
      t.app.inject({
        method,
        url: url.startsWith('/') ? url : `/api/clinics/${clinic.id}/${url}`,
        headers: {
          ...sameOrigin,
          ...headers,
          cookie: (await signedInCookie(t, userId, clock)).cookie,
        },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    const mine = `patients/${patient.id}/appointments`;
    const book = (
      by: string,
      startsAt: Date,
      fields: { providerId?: string; visitTypeId?: string } = {},
      headers: Record<string, string> = {},
    ) =>
      call(
        by,
        'POST',
        mine,
        {
          providerId: fields.providerId ?? provider.id,
          visitTypeId: fields.visitTypeId ?? visitType.id,
          startsAt: startsAt.toISOString(),
        },
        headers,
      );
    return { clinic, patient, provider, colleague, staff, admin, visitType, call, mine, book };
  }

  const rowOf = async (id: string) =>
    (await db().select().from(appointments).where(eq(appointments.id, id)))[0];
  const eventsOf = (requestId: string) =>
    queryRows<{ action: string; resource_type: string; resource_id: string; patient_id: string }>(
      db(),
      sql`select action, resource_type, resource_id, patient_id from audit_events
          where request_id = ${requestId} order by seq`,
    );

  it('books a visit, stores where the patient was, and audits the appointment by id', async () => {
    const w = await world();
    const res = await w.book(w.patient.id, at(2, 10));
    expect(res.statusCode, res.body).toBe(201);
    const booked = res.json<Appointment>();
    expect(booked).toMatchObject({
      status: 'booked',
      startsAt: at(2, 10).toISOString(),
      endsAt: new Date(at(2, 10).getTime() + 30 * 60_000).toISOString(),
      patient: { id: w.patient.id },
      provider: { id: w.provider.id },
      bookedBy: { id: w.patient.id },
      visitType: { id: w.visitType.id, durationMinutes: 30, modality: 'video' },
      patientState: 'CA',
      lateCancellation: false,
      rescheduledFromId: null,
    });
    expect((await rowOf(booked.id))?.patientState).toBe('CA');
    expect(await eventsOf(res.headers['x-request-id'] as string)).toEqual([
      {
        action: 'create',
        resource_type: 'appointment',
        resource_id: booked.id,
        patient_id: w.patient.id,
      },
    ]);

    // The front desk books for the patient; a provider may not.
    const byStaff = await w.book(w.staff.id, at(2, 11));
    expect(byStaff.statusCode, byStaff.body).toBe(201);
    expect(byStaff.json<Appointment>().bookedBy.id).toBe(w.staff.id);
    expect((await w.book(w.provider.id, at(2, 12))).statusCode).toBe(403);

    // Offered times only: off the grid, or in the past.
    for (const startsAt of [new Date(at(2, 13).getTime() + 7 * 60_000), at(-1, 10)]) {
      const refused = await w.book(w.patient.id, startsAt);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ type: '/problems/slot-unavailable' });
    }
    // Bad input changes nothing.
    const bad = await w.call(w.patient.id, 'POST', w.mine, { providerId: 'x', startsAt: 'soon' });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.providerId', 'body.visitTypeId', 'body.startsAt']),
    );
  });

  it('refuses until the consents the clinic and the visit type require are signed', async () => {
    const w = await world();
    const consents = createConsentService({ db: db(), clock });
    const sign = async (document: { id: string; contentHash: string }) =>
      consents.sign(
        w.clinic.id,
        w.patient.id,
        {
          consentDocumentId: document.id,
          typedName: 'Test Patient',
          contentHash: document.contentHash,
        },
        { ipAddress: '127.0.0.1', userAgent: undefined },
      );
    const telehealth = await makeConsentDocument(db(), w.clinic.id, w.admin.id, 'telehealth');
    const needy = await makeVisitType(db(), w.clinic.id, {
      requiredConsentKinds: ['telehealth', 'financial-policy'],
    });

    // The clinic requires telehealth (every booking); this visit type also the financial
    // policy, which the clinic has not published: nobody can book it yet.
    const first = await w.book(w.patient.id, at(3, 9), { visitTypeId: needy.id });
    expect(first.statusCode).toBe(409);
    expect(first.json()).toMatchObject({ type: '/problems/consent-required' });
    expect(first.json<{ detail: string }>().detail).toContain('financial-policy');

    // Published as optional for the clinic: only this visit type asks for it.
    const financial = await makeConsentDocument(db(), w.clinic.id, w.admin.id, 'financial-policy');
    await db()
      .update(consentDocuments)
      .set({ required: false })
      .where(eq(consentDocuments.id, financial.id));
    const unsigned = await w.book(w.patient.id, at(3, 9), { visitTypeId: needy.id });
    expect(unsigned.json<{ detail: string }>().detail).toContain(
      'missing: telehealth, financial-policy',
    );
    // An ordinary visit type needs the clinic's required documents only.
    expect((await w.book(w.patient.id, at(3, 9))).json()).toMatchObject({
      type: '/problems/consent-required',
      detail: expect.stringContaining('missing: telehealth') as string,
    });

    await sign(telehealth);
    expect((await w.book(w.patient.id, at(3, 9))).statusCode).toBe(201);
    expect(
      (await w.book(w.patient.id, at(3, 11), { visitTypeId: needy.id })).json<{ detail: string }>()
        .detail,
    ).toContain('missing: financial-policy');
    await sign(financial);
    expect((await w.book(w.patient.id, at(3, 11), { visitTypeId: needy.id })).statusCode).toBe(201);
    expect(
      await db().select().from(appointments).where(eq(appointments.patientUserId, w.patient.id)),
    ).toHaveLength(2);
  });

  it('applies the licensing rule to where the patient is, at the visit time', async () => {
    const w = await world();
    await setPatientState(db(), w.clinic.id, w.patient.id, 'TX');
    const outOfState = await w.book(w.patient.id, at(2, 10));
    expect(outOfState.statusCode).toBe(409);
    expect(outOfState.json()).toMatchObject({
      type: '/problems/provider-not-licensed',
      detail: expect.stringContaining('TX') as string,
    });

    const stranger = await makePerson(db(), w.clinic.id, 'patient');
    const unknown = await w.call(stranger.id, 'POST', `patients/${stranger.id}/appointments`, {
      providerId: w.provider.id,
      visitTypeId: w.visitType.id,
      startsAt: at(2, 10).toISOString(),
    });
    expect(unknown.statusCode).toBe(409);
    expect(unknown.json()).toMatchObject({ type: '/problems/patient-location-unknown' });

    // A license that lapses before the visit does not cover it.
    const lapsing = await makePerson(db(), w.clinic.id, 'provider');
    await makeOpenSchedule(db(), w.clinic.id, lapsing.id);
    const lastDay = at(3, 0).toISOString().slice(0, 10);
    await makeLicense(db(), w.clinic.id, lapsing.id, w.admin.id, {
      state: 'TX',
      expiresOn: lastDay,
    });
    expect((await w.book(w.patient.id, at(2, 10), { providerId: lapsing.id })).statusCode).toBe(
      201,
    );
    expect(
      (await w.book(w.patient.id, at(5, 10), { providerId: lapsing.id })).json(),
    ).toMatchObject({ type: '/problems/provider-not-licensed' });
    expect(
      await db().select().from(appointments).where(eq(appointments.patientUserId, w.patient.id)),
    ).toHaveLength(1);
  });

  it('answers a retried booking with the same appointment, and refuses a reused key', async () => {
    const w = await world();
    const key = { 'idempotency-key': `book-${Math.random().toString(36).slice(2)}` };
    const first = await w.book(w.patient.id, at(2, 10), {}, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await w.book(w.patient.id, at(2, 10), {}, key);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<Appointment>().id).toBe(first.json<Appointment>().id);
    // Both events name the one appointment.
    for (const res of [first, again]) {
      expect((await eventsOf(res.headers['x-request-id'] as string))[0]?.resource_id).toBe(
        first.json<Appointment>().id,
      );
    }

    const other = await w.book(w.patient.id, at(2, 14), {}, key);
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ type: '/problems/conflict' });
    const malformed = await w.book(w.patient.id, at(2, 14), {}, { 'idempotency-key': 'short' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe(
      'headers.idempotency-key',
    );
    const rows = await db()
      .select()
      .from(appointments)
      .where(eq(appointments.patientUserId, w.patient.id));
    expect(rows).toHaveLength(1);
  });

  it('never double-books a provider or a patient', async () => {
    const w = await world();
    const other = await makePerson(db(), w.clinic.id, 'patient');
    await setPatientState(db(), w.clinic.id, other.id, 'CA');
    expect((await w.book(w.patient.id, at(2, 10))).statusCode).toBe(201);
    const taken = await w.call(other.id, 'POST', `patients/${other.id}/appointments`, {
      providerId: w.provider.id,
      visitTypeId: w.visitType.id,
      startsAt: new Date(at(2, 10).getTime() + 15 * 60_000).toISOString(),
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({
      type: '/problems/slot-taken',
      detail: 'Someone else just booked this time. Choose another.',
    });
    const twice = await w.book(w.patient.id, at(2, 10), { providerId: w.colleague.id });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ type: '/problems/patient-double-booked' });

    // Buffers are the provider's: back-to-back visits need the gap between blocks.
    const buffered = await makeVisitType(db(), w.clinic.id, { bufferAfterMinutes: 15 });
    expect((await w.book(w.patient.id, at(2, 12), { visitTypeId: buffered.id })).statusCode).toBe(
      201,
    );
    const tooSoon = await w.call(other.id, 'POST', `patients/${other.id}/appointments`, {
      providerId: w.provider.id,
      visitTypeId: w.visitType.id,
      startsAt: new Date(at(2, 12).getTime() + 30 * 60_000).toISOString(),
    });
    expect(tooSoon.json()).toMatchObject({ type: '/problems/slot-taken' });
    const busy = await createBusySpans(db())(w.clinic.id, [w.provider.id], at(2, 0), at(3, 0));
    expect(busy).toEqual([
      {
        providerId: w.provider.id,
        from: at(2, 10),
        to: new Date(at(2, 10).getTime() + 30 * 60_000),
      },
      {
        providerId: w.provider.id,
        from: at(2, 12),
        to: new Date(at(2, 12).getTime() + 45 * 60_000),
      },
    ]);
  });

  it('cancels before the start, late inside the window, and only by those concerned', async () => {
    const w = await world();
    const early = (await w.book(w.patient.id, at(3, 10))).json<Appointment>();
    const soon = (await w.book(w.patient.id, at(1, 9))).json<Appointment>();
    const cancel = (by: string, id: string, reason?: string) =>
      w.call(by, 'POST', `${w.mine}/${id}/cancel`, reason ? { reason } : {});

    // The colleague cares for the patient (care team) but this is not their visit.
    await db().insert(careTeamMembers).values({
      organizationId: w.clinic.id,
      patientUserId: w.patient.id,
      providerUserId: w.colleague.id,
      assignedBy: w.admin.id,
    });
    expect((await cancel(w.colleague.id, early.id)).statusCode).toBe(403);

    const onTime = await cancel(w.patient.id, early.id, 'Feeling better');
    expect(onTime.statusCode, onTime.body).toBe(200);
    expect(onTime.json<Appointment>()).toMatchObject({
      status: 'cancelled',
      lateCancellation: false,
      cancelReason: 'Feeling better',
      cancelledBy: { id: w.patient.id },
      cancelledAt: clock.now().toISOString(),
    });
    // A retried cancel answers the same; the slot is free again.
    expect((await cancel(w.patient.id, early.id)).json<Appointment>().cancelReason).toBe(
      'Feeling better',
    );
    expect((await w.book(w.staff.id, at(3, 10))).statusCode).toBe(201);

    // 21 hours before the start, inside the 24-hour window: late.
    expect((await cancel(w.provider.id, soon.id)).json<Appointment>()).toMatchObject({
      status: 'cancelled',
      lateCancellation: true,
      cancelledBy: { id: w.provider.id },
    });

    // A visit that has started can no longer be cancelled.
    const started = (await w.book(w.patient.id, at(1, 15))).json<Appointment>();
    clock.advance(at(1, 15).getTime() - clock.now().getTime() + 60_000);
    const tooLate = await cancel(w.staff.id, started.id);
    expect(tooLate.statusCode).toBe(409);
    expect(tooLate.json()).toMatchObject({ type: '/problems/appointment-not-changeable' });
    expect((await rowOf(started.id))?.status).toBe('booked');
    // Someone else's appointment id answers like a missing one.
    const stranger = await makePerson(db(), w.clinic.id, 'patient');
    const elsewhere = await w.call(
      stranger.id,
      'POST',
      `patients/${stranger.id}/appointments/${started.id}/cancel`,
      {},
    );
    expect(elsewhere.statusCode).toBe(404);
  });

  it('reschedules in one step: a taken new time leaves the old visit booked', async () => {
    const w = await world();
    const original = (await w.book(w.patient.id, at(4, 10))).json<Appointment>();
    const move = (by: string, id: string, startsAt: Date) =>
      w.call(by, 'POST', `${w.mine}/${id}/reschedule`, { startsAt: startsAt.toISOString() });

    // Someone else holds 14:00.
    const other = await makePerson(db(), w.clinic.id, 'patient');
    await makeAppointment(db(), {
      clinicId: w.clinic.id,
      patientId: other.id,
      providerId: w.provider.id,
      visitTypeId: w.visitType.id,
      startsAt: at(4, 14),
    });
    const refused = await move(w.patient.id, original.id, at(4, 14));
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ type: '/problems/slot-taken' });
    expect(await rowOf(original.id)).toMatchObject({ status: 'booked', cancelledAt: null });

    // 15 minutes later overlaps the visit itself: the move frees the old time first.
    const moved = await move(
      w.patient.id,
      original.id,
      new Date(at(4, 10).getTime() + 15 * 60_000),
    );
    expect(moved.statusCode, moved.body).toBe(201);
    const next = moved.json<Appointment>();
    expect(next).toMatchObject({ status: 'booked', rescheduledFromId: original.id });
    expect(await rowOf(original.id)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Rescheduled',
      lateCancellation: false,
    });
    expect(await eventsOf(moved.headers['x-request-id'] as string)).toEqual([
      expect.objectContaining({ action: 'create', resource_id: next.id }),
    ]);
    // A retry answers the same move; another time for the old visit is refused.
    const retry = await move(
      w.patient.id,
      original.id,
      new Date(at(4, 10).getTime() + 15 * 60_000),
    );
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json<Appointment>().id).toBe(next.id);
    expect((await move(w.patient.id, original.id, at(4, 16))).json()).toMatchObject({
      type: '/problems/appointment-not-changeable',
    });

    // Inside the window the move is a late cancellation of the old visit.
    clock.advance(at(4, 0).getTime() - clock.now().getTime());
    const late = await move(w.staff.id, next.id, at(0, 18));
    expect(late.statusCode, late.body).toBe(201);
    expect(await rowOf(next.id)).toMatchObject({ status: 'cancelled', lateCancellation: true });
  });

  it('marks a missed visit only after its start, by the clinic or its provider', async () => {
    const w = await world();
    const visit = (await w.book(w.patient.id, at(1, 10))).json<Appointment>();
    const mark = (by: string) => w.call(by, 'POST', `${w.mine}/${visit.id}/no-show`);
    const early = await mark(w.staff.id);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ type: '/problems/appointment-not-changeable' });

    clock.advance(at(1, 10).getTime() - clock.now().getTime() + 10 * 60_000);
    expect((await mark(w.patient.id)).statusCode).toBe(404);
    await db().insert(careTeamMembers).values({
      organizationId: w.clinic.id,
      patientUserId: w.patient.id,
      providerUserId: w.colleague.id,
      assignedBy: w.admin.id,
    });
    expect((await mark(w.colleague.id)).statusCode).toBe(403);
    const marked = await mark(w.provider.id);
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json<Appointment>().status).toBe('no-show');
    expect((await mark(w.staff.id)).json<Appointment>().status).toBe('no-show');
    // A missed visit frees the provider's time and cannot be cancelled afterwards.
    expect(
      (await w.call(w.patient.id, 'POST', `${w.mine}/${visit.id}/cancel`, {})).json(),
    ).toMatchObject({ type: '/problems/appointment-not-changeable' });
  });

  it('links the provider to the patient while a visit is booked', async () => {
    const w = await world();
    const chart = `patients/${w.patient.id}/health-items`;
    const denied = await w.call(w.provider.id, 'GET', chart);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ type: '/problems/no-care-relationship' });

    const visit = (await w.book(w.patient.id, at(2, 10))).json<Appointment>();
    const read = await w.call(w.provider.id, 'GET', chart);
    expect(read.statusCode, read.body).toBe(200);
    const events = await eventsOf(read.headers['x-request-id'] as string);
    expect(events[0]).toMatchObject({ action: 'read', patient_id: w.patient.id });
    const basis = await queryRows<{ basis: string }>(
      db(),
      sql`select basis from audit_events where request_id = ${read.headers['x-request-id'] as string}`,
    );
    expect(basis[0]?.basis).toBe('care-relationship');

    // A cancelled visit links nobody.
    await w.call(w.patient.id, 'POST', `${w.mine}/${visit.id}/cancel`, {});
    expect((await w.call(w.provider.id, 'GET', chart)).statusCode).toBe(403);
  });

  it('lists the patient’s visits, a provider’s calendar and the clinic’s day', async () => {
    const w = await world();
    const past = await makeAppointment(db(), {
      clinicId: w.clinic.id,
      patientId: w.patient.id,
      providerId: w.provider.id,
      visitTypeId: w.visitType.id,
      startsAt: at(-3, 10),
    });
    const later = (await w.book(w.patient.id, at(6, 10))).json<Appointment>();
    const sooner = (await w.book(w.patient.id, at(5, 23))).json<Appointment>();
    const withColleague = (
      await w.book(w.staff.id, at(6, 15), { providerId: w.colleague.id })
    ).json<Appointment>();
    const dropped = (await w.book(w.patient.id, at(7, 10))).json<Appointment>();
    await w.call(w.patient.id, 'POST', `${w.mine}/${dropped.id}/cancel`, {});

    const list = await w.call(w.patient.id, 'GET', w.mine);
    expect(list.statusCode).toBe(200);
    const mine = list.json<PatientAppointments>();
    expect(mine.upcoming.map((a) => a.id)).toEqual([sooner.id, later.id, withColleague.id]);
    expect(mine.past.map((a) => a.id)).toEqual([dropped.id, past.id]);
    // Their provider (a booked visit links them) and the front desk see them too.
    expect((await w.call(w.provider.id, 'GET', w.mine)).statusCode).toBe(200);
    expect((await w.call(w.staff.id, 'GET', w.mine)).statusCode).toBe(200);

    const calendar = (who: string, providerId: string, query: string) =>
      w.call(who, 'GET', `providers/${providerId}/calendar?${query}`);
    const week = `from=${at(5, 0).toISOString()}&to=${at(8, 0).toISOString()}`;
    const own = await calendar(w.provider.id, w.provider.id, week);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json<{ appointments: Appointment[] }>().appointments.map((a) => a.id)).toEqual([
      sooner.id,
      later.id,
    ]);
    const withCancelled = await calendar(
      w.provider.id,
      w.provider.id,
      `${week}&includeCancelled=true`,
    );
    expect(withCancelled.json<{ appointments: Appointment[] }>().appointments).toHaveLength(3);
    expect((await calendar(w.colleague.id, w.provider.id, week)).statusCode).toBe(403);
    expect((await calendar(w.staff.id, w.colleague.id, week)).statusCode).toBe(200);
    const backwards = await calendar(
      w.staff.id,
      w.provider.id,
      `from=${at(8, 0).toISOString()}&to=${at(5, 0).toISOString()}`,
    );
    expect(backwards.statusCode).toBe(400);

    // Day 6 in Los Angeles runs 08:00 UTC to 08:00 UTC next day: 23:00 on day 5 UTC is the
    // evening of day 5 there, so it is not on day 6's schedule.
    const date = at(6, 12).toISOString().slice(0, 10);
    const day = await w.call(
      w.admin.id,
      'GET',
      `schedule?date=${date}&timeZone=America/Los_Angeles`,
    );
    expect(day.statusCode, day.body).toBe(200);
    const schedule = day.json<ClinicSchedule>();
    expect(schedule.appointments.map((a) => a.id)).toEqual([later.id, withColleague.id]);
    expect(schedule.from).toBe(
      DateTime.fromISO(date, { zone: 'America/Los_Angeles' })
        .toUTC()
        .toISO({ suppressMilliseconds: false }),
    );
    expect(await eventsOf(day.headers['x-request-id'] as string)).toEqual([
      {
        action: 'search',
        resource_type: 'appointment',
        resource_id: w.patient.id,
        patient_id: w.patient.id,
      },
    ]);
    expect(
      (await w.call(w.provider.id, 'GET', `schedule?date=${date}&timeZone=UTC`)).statusCode,
    ).toBe(404);
  });
});
