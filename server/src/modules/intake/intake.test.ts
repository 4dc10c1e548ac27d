import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  intakeFormDefinitionSchema,
  type IntakeFormDefinitionInput,
  type IntakeResponseList,
} from '@openvisit/contracts';
import { careTeamMembers } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { createIntakeService } from './intake-service.js';
import { makeAppointment, makeVisitType } from '../scheduling/appointment-test-kit.js';

const checkIn: IntakeFormDefinitionInput = {
  slug: 'check-in',
  title: 'Check-in',
  questions: [
    { id: 'reason', type: 'short-text', label: 'Reason for visit', required: true },
    { id: 'fever', type: 'yes-no', label: 'Do you have a fever?', required: true },
    {
      id: 'temperature',
      type: 'number',
      label: 'Highest temperature',
      required: true,
      min: 95,
      max: 110,
      showIf: { questionId: 'fever', equals: true },
    },
    { id: 'since', type: 'date', label: 'Since when?', notInFuture: true },
    { id: 'pain', type: 'scale', label: 'Pain' },
  ],
};

describe('intake questionnaires', () => {
  const clock = manualClock(new Date('2026-11-03T15:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ clock });
    await t.app.ready();
  });
  afterAll(() => t.close());

  async function clinicWithPeople() {
    const db = t.testDatabase.database.db;
    const clinic = await makeClinic(db);
    const patient = await makePerson(db, clinic.id, 'patient');
    const otherPatient = await makePerson(db, clinic.id, 'patient');
    const provider = await makePerson(db, clinic.id, 'provider');
    const stranger = await makePerson(db, clinic.id, 'provider');
    const staff = await makePerson(db, clinic.id, 'staff');
    const admin = await makePerson(db, clinic.id, 'admin');
    await db.insert(careTeamMembers).values({
      organizationId: clinic.id,
      patientUserId: patient.id,
      providerUserId: provider.id,
      assignedBy: admin.id,
    });
    const as = async (userId: string) => (await signedInCookie(t, userId, clock)).cookie;
    const call = (
      cookie: string,
      method: 'GET' | 'POST',
      url: string,
      payload?: object,
      headers: Record<string, string> = {},
    ) =>
      t.app.inject({
        method,
        url,
        headers: { ...sameOrigin, cookie, ...headers },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    const forms = `/api/clinics/${clinic.id}/intake-forms`;
    const responses = (patientId = patient.id) =>
      `/api/clinics/${clinic.id}/patients/${patientId}/intake-responses`;
    const boss = await as(admin.id);
    const publish = async (definition: IntakeFormDefinitionInput) => {
      const res = await call(boss, 'POST', forms, definition);
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string; version: number }>();
    };
    const responseCount = async () =>
      (
        await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from intake_responses where organization_id = ${clinic.id}`,
        )
      )[0]!.n;
    return {
      clinic,
      patient,
      otherPatient,
      provider,
      stranger,
      staff,
      admin,
      as,
      call,
      forms,
      responses,
      publish,
      responseCount,
    };
  }

  it('publishes numbered versions and serves the current one to every member', async () => {
    const w = await clinicWithPeople();
    const first = await w.publish(checkIn);
    expect(first.version).toBe(1);
    const second = await w.publish({ ...checkIn, title: 'Check-in (revised)' });
    expect(second.version).toBe(2);
    await w.publish({ ...checkIn, slug: 'another', title: 'Another form' });

    const patient = await w.as(w.patient.id);
    const list = await w.call(patient, 'GET', w.forms);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      forms: [
        { slug: 'another', version: 1 },
        { slug: 'check-in', version: 2, title: 'Check-in (revised)' },
      ],
    });
    const current = await w.call(await w.as(w.staff.id), 'GET', `${w.forms}/check-in`);
    expect(current.json()).toMatchObject({ id: second.id, version: 2 });
    // Defaults are written out: a question left without `required` is optional.
    expect(current.json<{ questions: { required: boolean }[] }>().questions[3]!.required).toBe(
      false,
    );
    expect((await w.call(patient, 'GET', `${w.forms}/missing`)).statusCode).toBe(404);
    expect((await w.call(patient, 'GET', `${w.forms}/Not_A_Slug`)).statusCode).toBe(400);

    // Only admins publish; others learn nothing about the route.
    const refused = await w.call(await w.as(w.staff.id), 'POST', w.forms, checkIn);
    expect(refused.statusCode).toBe(404);
    // Another clinic sees none of these forms.
    const elsewhere = await makeClinic(t.testDatabase.database.db);
    const outsider = await makePerson(t.testDatabase.database.db, elsewhere.id, 'admin');
    const theirs = await w.call(
      await w.as(outsider.id),
      'GET',
      `/api/clinics/${elsewhere.id}/intake-forms`,
    );
    expect(theirs.json()).toEqual({ forms: [] });
  });

  it('numbers versions published at the same moment one after another', async () => {
    const w = await clinicWithPeople();
    const boss = await w.as(w.admin.id);
    const results = await Promise.all(
      [1, 2, 3].map((n) => w.call(boss, 'POST', w.forms, { ...checkIn, title: `Take ${n}` })),
    );
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(results.map((r) => r.json<{ version: number }>().version).sort()).toEqual([1, 2, 3]);
  });

  it('refuses an inconsistent questionnaire with field paths, storing nothing', async () => {
    const w = await clinicWithPeople();
    const res = await w.call(await w.as(w.admin.id), 'POST', w.forms, {
      slug: 'broken',
      title: 'Broken',
      questions: [
        { id: 'a', type: 'short-text', label: 'A', showIf: { questionId: 'b', equals: true } },
        { id: 'b', type: 'yes-no', label: 'B' },
        { id: 'c', type: 'colour-picker', label: 'C' },
      ],
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
    expect(paths).toContain('body.questions.2.type');
    const fixedType = await w.call(await w.as(w.admin.id), 'POST', w.forms, {
      slug: 'broken',
      title: 'Broken',
      questions: [
        { id: 'a', type: 'short-text', label: 'A', showIf: { questionId: 'b', equals: true } },
        { id: 'b', type: 'yes-no', label: 'B' },
      ],
    });
    expect(fixedType.json()).toMatchObject({
      type: '/problems/validation',
      errors: [{ path: 'body.questions.0.showIf.questionId' }],
    });
    const stored = await queryRows<{ n: number }>(
      t.testDatabase.database.db,
      sql`select count(*)::int as n from intake_forms where organization_id = ${w.clinic.id}`,
    );
    expect(stored[0]!.n).toBe(0);
  });

  it('checks answers against the version answered: 422 with field paths, nothing stored', async () => {
    const w = await clinicWithPeople();
    const form = await w.publish(checkIn);
    const patient = await w.as(w.patient.id);

    const missing = await w.call(patient, 'POST', w.responses(), {
      formId: form.id,
      answers: { fever: true, temperature: 130, since: '2026-11-06', pain: 4 },
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json()).toMatchObject({
      type: '/problems/invalid-answers',
      detail: '3 answers need attention; nothing was saved.',
      errors: [
        { path: 'body.answers.reason', message: 'Answer this question.' },
        { path: 'body.answers.temperature', message: 'Enter a number from 95 to 110.' },
        { path: 'body.answers.since', message: 'This date cannot be in the future.' },
      ],
    });
    expect(await w.responseCount()).toBe(0);

    // The follow-up is hidden when the answer is no: not required, and dropped if sent.
    const ok = await w.call(patient, 'POST', w.responses(), {
      formId: form.id,
      answers: { reason: '  Sore throat ', fever: false, temperature: 130, since: '2026-11-04' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({
      appointmentId: null,
      submittedAt: '2026-11-03T15:00:00.000Z',
      answers: { reason: 'Sore throat', fever: false, since: '2026-11-04' },
      form: { id: form.id, version: 1 },
    });
    expect(ok.json<{ answers: object }>().answers).not.toHaveProperty('temperature');
    expect(await w.responseCount()).toBe(1);

    // A form of another clinic, or none at all, is not found.
    const elsewhere = await makeClinic(t.testDatabase.database.db);
    const otherForm = await createIntakeService({ db: t.testDatabase.database.db, clock }).publish(
      elsewhere.id,
      intakeFormDefinitionSchema.parse(checkIn),
      w.admin.id,
    );
    const foreign = await w.call(patient, 'POST', w.responses(), {
      formId: otherForm.id,
      answers: { reason: 'x', fever: false },
    });
    expect(foreign.statusCode).toBe(404);
    // Badly shaped bodies fail the contract before anything else.
    const shape = await w.call(patient, 'POST', w.responses(), {
      formId: form.id,
      answers: { 'Bad Key': 'x' },
    });
    expect(shape.statusCode).toBe(400);
    expect(await w.responseCount()).toBe(1);
  });

  it('keeps each response with the form version it answered after a new version', async () => {
    const w = await clinicWithPeople();
    const v1 = await w.publish(checkIn);
    const patient = await w.as(w.patient.id);
    const db = t.testDatabase.database.db;
    const visitType = await makeVisitType(db, w.clinic.id);
    const appointment = await makeAppointment(db, {
      clinicId: w.clinic.id,
      patientId: w.patient.id,
      providerId: w.provider.id,
      visitTypeId: visitType.id,
      startsAt: new Date(clock.now().getTime() + 86_400_000),
    });
    const appointmentId = appointment.id;
    // Another patient's appointment (or one that does not exist) cannot be named.
    const notMine = await w.call(patient, 'POST', w.responses(), {
      formId: v1.id,
      appointmentId: randomUUID(),
      answers: { reason: 'Rash', fever: false },
    });
    expect(notMine.statusCode).toBe(404);
    const first = await w.call(patient, 'POST', w.responses(), {
      formId: v1.id,
      appointmentId,
      answers: { reason: 'Rash', fever: true, temperature: 101.2 },
    });
    expect(first.statusCode, first.body).toBe(201);

    const v2 = await w.publish({
      ...checkIn,
      questions: [
        { id: 'reason', type: 'long-text', label: 'What brings you in?', required: true },
      ],
    });
    clock.advance(60_000);
    // An old version may still be answered (the page was loaded before the new one).
    const late = await w.call(patient, 'POST', w.responses(), {
      formId: v1.id,
      answers: { reason: 'Still the rash', fever: false },
    });
    expect(late.statusCode).toBe(201);
    clock.advance(60_000);
    const second = await w.call(patient, 'POST', w.responses(), {
      formId: v2.id,
      appointmentId,
      answers: { reason: 'Follow-up on the rash' },
    });
    expect(second.statusCode).toBe(201);

    const list = await w.call(await w.as(w.provider.id), 'GET', w.responses());
    expect(list.statusCode).toBe(200);
    const { responses } = list.json<IntakeResponseList>();
    expect(responses.map((r) => [r.form.version, r.answers.reason])).toEqual([
      [2, 'Follow-up on the rash'],
      [1, 'Still the rash'],
      [1, 'Rash'],
    ]);
    expect(responses[2]!.form.questions.map((q) => q.label)).toEqual(
      checkIn.questions.map((q) => q.label),
    );
    expect(responses[0]!.form.questions.map((q) => q.label)).toEqual(['What brings you in?']);

    // Scheduling and visits read the answers that count for an appointment: the newest.
    const intake = createIntakeService({ db: t.testDatabase.database.db, clock });
    const latest = await intake.latestForAppointment(w.clinic.id, w.patient.id, appointmentId);
    expect(latest).toMatchObject({
      id: second.json<{ id: string }>().id,
      patientId: w.patient.id,
      form: { version: 2 },
    });
    expect(
      await intake.latestForAppointment(w.clinic.id, w.patient.id, randomUUID()),
    ).toBeUndefined();
    const elsewhere = await makeClinic(t.testDatabase.database.db);
    expect(
      await intake.latestForAppointment(elsewhere.id, w.patient.id, appointmentId),
    ).toBeUndefined();
    // Another patient's answers naming the same appointment never count for it.
    expect(
      await intake.latestForAppointment(w.clinic.id, randomUUID(), appointmentId),
    ).toBeUndefined();
  });

  it('stores one response per Idempotency-Key, however often the submit is retried', async () => {
    const w = await clinicWithPeople();
    const form = await w.publish(checkIn);
    const patient = await w.as(w.patient.id);
    const body = { formId: form.id, answers: { reason: 'Cough', fever: false } };
    const key = { 'idempotency-key': `intake-${randomUUID()}` };
    const first = await w.call(patient, 'POST', w.responses(), body, key);
    const retry = await w.call(patient, 'POST', w.responses(), body, key);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await w.responseCount()).toBe(1);
    // A double click: two requests with one key at once still make one response.
    const raceKey = { 'idempotency-key': `intake-${randomUUID()}` };
    const both = await Promise.all([
      w.call(patient, 'POST', w.responses(), body, raceKey),
      w.call(patient, 'POST', w.responses(), body, raceKey),
    ]);
    expect(both.map((r) => r.statusCode)).toEqual([201, 201]);
    expect(await w.responseCount()).toBe(2);

    const reused = await w.call(
      patient,
      'POST',
      w.responses(),
      { ...body, answers: { reason: 'Something else', fever: false } },
      key,
    );
    expect(reused.statusCode).toBe(409);
    const malformed = await w.call(patient, 'POST', w.responses(), body, {
      'idempotency-key': 'short',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ errors: [{ path: 'headers.idempotency-key' }] });
    // Without a key, each submit is a new response (a deliberate resubmission).
    await w.call(patient, 'POST', w.responses(), body);
    expect(await w.responseCount()).toBe(3);
  });

  it('lets the patient and their providers read answers, no one else; only the patient submits', async () => {
    const w = await clinicWithPeople();
    const form = await w.publish(checkIn);
    const body = { formId: form.id, answers: { reason: 'Headache', fever: false } };
    const patient = await w.as(w.patient.id);
    const submitted = await w.call(patient, 'POST', w.responses(), body);
    expect(submitted.statusCode).toBe(201);

    const other = await w.as(w.otherPatient.id);
    expect((await w.call(other, 'GET', w.responses())).statusCode).toBe(404);
    expect((await w.call(other, 'POST', w.responses(), body)).statusCode).toBe(404);
    const staffRead = await w.call(await w.as(w.staff.id), 'GET', w.responses());
    expect(staffRead.statusCode).toBe(403);
    expect(staffRead.body).not.toContain('Headache');
    const adminRead = await w.call(await w.as(w.admin.id), 'GET', w.responses());
    expect(adminRead.statusCode).toBe(403);
    const strangerRead = await w.call(await w.as(w.stranger.id), 'GET', w.responses());
    expect(strangerRead.statusCode).toBe(403);
    expect(strangerRead.json()).toMatchObject({ type: '/problems/no-care-relationship' });
    const dr = await w.as(w.provider.id);
    expect((await w.call(dr, 'GET', w.responses())).json()).toMatchObject({
      responses: [{ answers: { reason: 'Headache' } }],
    });
    // Providers read answers; they do not give them on the patient's behalf.
    expect((await w.call(dr, 'POST', w.responses(), body)).statusCode).toBe(403);
    expect((await w.call(patient, 'GET', w.responses())).statusCode).toBe(200);
    expect(await w.responseCount()).toBe(1);

    // Every access left an event with ids only: allowed, denied, and who on what basis.
    await t.auditWriter.flush();
    const events = await queryRows<{
      actor: string;
      action: string;
      outcome: string;
      basis: string | null;
      patient: string | null;
    }>(
      t.testDatabase.database.db,
      sql`select actor_user_id as actor, action, outcome, basis, patient_id as patient
          from audit_events
          where organization_id = ${w.clinic.id} and resource_type = 'intake-response'
          order by seq`,
    );
    const who = new Map([
      [w.patient.id, 'patient'],
      [w.otherPatient.id, 'other'],
      [w.provider.id, 'provider'],
      [w.stranger.id, 'stranger'],
      [w.staff.id, 'staff'],
      [w.admin.id, 'admin'],
    ]);
    const seen = events.map(
      (e) => `${who.get(e.actor)}:${e.action}:${e.outcome}:${e.basis ?? '-'}`,
    );
    expect(seen).toEqual([
      'patient:create:allowed:self',
      'other:read:denied:-',
      'other:create:denied:-',
      'staff:read:denied:-',
      'admin:read:denied:-',
      'stranger:read:denied:-',
      'provider:read:allowed:care-relationship',
      'provider:create:denied:-',
      'patient:read:allowed:self',
    ]);
    expect(events.every((e) => e.patient === w.patient.id)).toBe(true);
    expect(JSON.stringify(events)).not.toContain('Headache');
  });
});
