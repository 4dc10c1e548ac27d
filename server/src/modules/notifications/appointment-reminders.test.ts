import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { notificationDeliveries } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { createJobQueue, queues, type JobQueue } from '../../platform/jobs/job-queue.js';
import { listOutbox, createOutboxMailer } from '../../platform/mail/outbox-mailer.js';
import { createOutboxSms } from '../../platform/sms/outbox-sms.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { createAppointmentService } from '../scheduling/appointment-service.js';
import { makeVisitType, visitTypeSlotCheck } from '../scheduling/appointment-test-kit.js';
import {
  createAppointmentNotices,
  noticeJobId,
  reminderKind,
} from '../scheduling/appointment-notices.js';
import {
  buildAppointmentNotifier,
  startAppointmentNoticeWorker,
} from './appointment-notice-worker.js';

const HOUR = 3_600_000;
const OFFSETS = [24 * 60, 60];
const silentLog = {
  info: () => {},
  debug: () => {},
  error: () => {},
} as unknown as Parameters<typeof startAppointmentNoticeWorker>[0]['log'];

/** Resolves once `check` answers true; bounded, so a lost job fails the test, not hangs it. */
async function until(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('appointment reminders through the job queue', () => {
  let d: TestDatabase;
  const running: JobQueue[] = [];
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  // Each test's workers stop with it: a worker runs every test's jobs, on its own clock.
  afterEach(async () => {
    for (const jobs of running.splice(0)) await jobs.stop();
  });
  afterAll(() => d.drop());

  async function world(clock: { now(): Date }) {
    const db = d.database.db;
    const clinic = await makeClinic(db, 'Lakeside Clinic');
    const patient = await makePerson(db, clinic.id, 'patient');
    const provider = await makePerson(db, clinic.id, 'provider');
    const visitType = await makeVisitType(db, clinic.id);
    const producer = await worker(clock);
    const service = createAppointmentService({
      db,
      clock,
      directory: createPeopleDirectory(db),
      consentStatus: async () => ({ consents: [], missingRequired: [] }),
      patientState: async () => 'CA',
      assertMayPractise: async () => {},
      slotCheck: visitTypeSlotCheck(db),
      notices: createAppointmentNotices({
        jobs: producer.jobs,
        clock,
        reminderOffsets: OFFSETS,
        onError: (err) => {
          throw err;
        },
      }),
    });
    const book = async (startsAt: Date, using = service) =>
      (
        await using.book({
          id: randomUUID(),
          clinicId: clinic.id,
          patientId: patient.id,
          providerId: provider.id,
          visitTypeId: visitType.id,
          startsAt,
          bookedBy: patient.id,
        })
      ).appointment;
    const cancel = (appointmentId: string, reason: string | null = null) =>
      service.cancel(
        {
          clinicId: clinic.id,
          patientId: patient.id,
          appointmentId,
          actor: { userId: patient.id, roles: ['patient'] },
        },
        reason,
      );
    return { db, clinic, patient, provider, visitType, service, producer, book, cancel };
  }

  /** A worker process's share: its own pg-boss instance on the same database. */
  async function worker(clock: { now(): Date }) {
    const jobs = await createJobQueue({
      database: d.database,
      mode: 'worker',
      pollingIntervalSeconds: 0.5,
      onError: () => {},
    });
    running.push(jobs);
    const started = await startAppointmentNoticeWorker({
      db: d.database.db,
      clock,
      jobs,
      mailer: createOutboxMailer(d.database.db),
      sms: createOutboxSms(d.database.db),
      publicUrl: 'https://visit.clinic.example',
      mailFrom: 'Lakeside Clinic <no-reply@clinic.example>',
      reminderOffsets: OFFSETS,
      log: silentLog,
    });
    return { jobs, ...started };
  }

  const categories = async (to: string) =>
    (await listOutbox(d.database.db, { to })).map((m) => m.category).reverse();

  it('sends the reminder exactly once across a worker restart; cancelling removes the rest', async () => {
    // The visit is tomorrow afternoon; our clock stands 2 s before its 24 h reminder.
    const startsAt = new Date('2026-12-10T15:00:00Z');
    const clock = manualClock(new Date(startsAt.getTime() - 24 * HOUR - 2_000));
    const { patient, producer, book, cancel } = await world(clock);
    const appointment = await book(startsAt);
    await until(async () => (await categories(patient.email)).length === 1);
    expect(await categories(patient.email)).toEqual(['appointment-confirmation']);

    // The worker stops before the reminder is due; the 24 h reminder waits in the queue.
    await producer.jobs.stop();
    const reminder24 = noticeJobId(appointment.id, reminderKind(24 * 60));
    const reminder1 = noticeJobId(appointment.id, reminderKind(60));
    const second = await worker(clock);
    expect(await second.jobs.stateOf(queues.appointmentNotice, reminder24)).toMatch(
      /created|active|completed/,
    );
    clock.advance(2_000);

    await until(
      async () => (await second.jobs.stateOf(queues.appointmentNotice, reminder24)) === 'completed',
    );
    expect(await categories(patient.email)).toEqual([
      'appointment-confirmation',
      'appointment-reminder',
    ]);
    // The same notice run again (a retry after a crash, a repair duplicate) sends nothing.
    expect(
      await second.notifier.handle({
        appointmentId: appointment.id,
        kind: reminderKind(24 * 60),
        offsetMinutes: 24 * 60,
      }),
    ).toEqual({ sent: [] });
    expect(await categories(patient.email)).toHaveLength(2);

    // Cancelling drops the pending 1 h reminder and tells the patient, once.
    await cancel(appointment.id, null);
    expect(await second.jobs.stateOf(queues.appointmentNotice, reminder1)).toBe('cancelled');
    await until(async () => (await categories(patient.email)).length === 3);
    expect(await categories(patient.email)).toEqual([
      'appointment-confirmation',
      'appointment-reminder',
      'appointment-cancelled',
    ]);
    const cancellation = (await listOutbox(d.database.db, { to: patient.email }))[0]!;
    expect(cancellation.calendarIcs).toContain('METHOD:CANCEL');
    const deliveries = await d.database.db
      .select({ kind: notificationDeliveries.kind, status: notificationDeliveries.status })
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.subjectId, appointment.id));
    expect(deliveries.map((r) => `${r.kind}:${r.status}`).sort()).toEqual([
      'cancelled:sent',
      'confirmation:sent',
      'reminder-24h:sent',
    ]);
  });

  it('drops a reminder whose visit was cancelled even when its job survived', async () => {
    const startsAt = new Date('2026-12-11T15:00:00Z');
    const clock = manualClock(new Date(startsAt.getTime() - 30 * HOUR));
    const { book, cancel } = await world(clock);
    const appointment = await book(startsAt);
    await cancel(appointment.id, 'Feeling better');
    const notifier = buildAppointmentNotifier({
      db: d.database.db,
      clock,
      mailer: createOutboxMailer(d.database.db),
      sms: createOutboxSms(d.database.db),
      publicUrl: 'https://visit.clinic.example',
      mailFrom: 'no-reply@clinic.example',
      reminderOffsets: OFFSETS,
    });
    expect(
      await notifier.handle({
        appointmentId: appointment.id,
        kind: 'reminder-24h',
        offsetMinutes: 24 * 60,
      }),
    ).toEqual({ skipped: 'not-booked' });
  });

  it('sends only the shorter reminder when the worker was down past both', async () => {
    const startsAt = new Date('2026-12-12T15:00:00Z');
    const clock = manualClock(new Date(startsAt.getTime() - 48 * HOUR));
    const { book } = await world(clock);
    const appointment = await book(startsAt);
    clock.advance(47.5 * HOUR); // 30 minutes before the visit
    const notifier = buildAppointmentNotifier({
      db: d.database.db,
      clock,
      mailer: createOutboxMailer(d.database.db),
      sms: createOutboxSms(d.database.db),
      publicUrl: 'https://visit.clinic.example',
      mailFrom: 'no-reply@clinic.example',
      reminderOffsets: OFFSETS,
    });
    const job = (offset: number) => ({
      appointmentId: appointment.id,
      kind: reminderKind(offset),
      offsetMinutes: offset,
    });
    expect(await notifier.handle(job(24 * 60))).toEqual({ skipped: 'superseded' });
    expect(await notifier.handle(job(60))).toEqual({ sent: ['email'] });
  });

  it('re-queues notices lost between a committed booking and the queue (repair pass)', async () => {
    const startsAt = new Date('2026-12-13T15:00:00Z');
    const clock = manualClock(new Date(startsAt.getTime() - 30 * HOUR));
    const { book } = await world(clock);
    const db = d.database.db;
    const producer = await createJobQueue({
      database: d.database,
      mode: 'producer',
      onError: () => {},
    });
    running.push(producer);
    // The queue is down when the booking commits: the booking still succeeds.
    const failures: unknown[] = [];
    const broken = createAppointmentNotices({
      jobs: {
        send: () => Promise.reject(new Error('queue unavailable')),
        cancel: () => Promise.reject(new Error('queue unavailable')),
      },
      clock,
      reminderOffsets: OFFSETS,
      onError: (err) => failures.push(err),
    });
    const service = createAppointmentService({
      db,
      clock,
      directory: createPeopleDirectory(db),
      consentStatus: async () => ({ consents: [], missingRequired: [] }),
      patientState: async () => 'CA',
      assertMayPractise: async () => {},
      slotCheck: visitTypeSlotCheck(db),
      notices: broken,
    });
    const appointment = await book(startsAt, service);
    expect(failures).toHaveLength(1);
    const confirmation = noticeJobId(appointment.id, 'confirmation');
    expect(await producer.stateOf(queues.appointmentNotice, confirmation)).toBeUndefined();

    const repair = createAppointmentNotices({
      jobs: producer,
      clock,
      reminderOffsets: OFFSETS,
      onError: (err) => failures.push(err),
    });
    expect(await repair.repair(db)).toBeGreaterThanOrEqual(1);
    expect(await producer.stateOf(queues.appointmentNotice, confirmation)).toBeDefined();
    for (const offset of OFFSETS) {
      expect(
        await producer.stateOf(
          queues.appointmentNotice,
          noticeJobId(appointment.id, reminderKind(offset)),
        ),
      ).toBeDefined();
    }
    // Running it again queues nothing new (same ids).
    await repair.repair(db);
    expect(failures).toHaveLength(1);
  });
});
