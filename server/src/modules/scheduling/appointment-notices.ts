import { and, eq, gt, lt, notExists, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { AppDatabase } from '../../db/client.js';
import { appointments } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { queues, type JobQueue } from '../../platform/jobs/job-queue.js';
import { nameBasedId } from '../../platform/name-based-id.js';

/** What a notice job carries: ids only (job rows are not the place for PHI). */
export interface AppointmentNoticeJob {
  appointmentId: string;
  /** confirmation | cancelled | reminder-<offset> (e.g. reminder-24h, reminder-1h) */
  kind: string;
  /** For reminders: how long before the start it is meant to arrive. */
  offsetMinutes?: number;
}

interface NoticeTarget {
  id: string;
  startsAt: Date;
  status: string;
}

/** `reminder-24h`, `reminder-1h`, `reminder-90m`: the offset, readable in logs and tests. */
export const reminderKind = (offsetMinutes: number) =>
  offsetMinutes % 60 === 0 ? `reminder-${offsetMinutes / 60}h` : `reminder-${offsetMinutes}m`;

/**
 * One job per appointment and notice kind, under an id derived from both: queueing it again
 * (a retried request, the repair pass) cannot create a second job, and cancelling needs no
 * stored job ids. A moved visit is a new appointment, so its notices are new jobs.
 */
export const noticeJobId = (appointmentId: string, kind: string) =>
  nameBasedId(`appointment-notice:${appointmentId}:${kind}`);

export interface AppointmentNoticesDeps {
  jobs: Pick<JobQueue, 'send' | 'cancel'>;
  clock: Clock;
  /** Minutes before the start that reminders go out (config APPOINTMENT_REMINDERS). */
  reminderOffsets: readonly number[];
  /** Queueing failed after the change was committed: the repair pass will redo it. */
  onError: (err: unknown) => void;
}

/**
 * Turns appointment changes into queued notices: a confirmation now, reminders at their
 * offsets before the start, and on cancellation the pending reminders cancelled and a
 * cancellation notice queued. Queueing happens after the change is committed; if the
 * process dies in between, `repair` (run every few minutes by the worker) queues what is
 * missing, and the deterministic ids keep it from queueing anything twice.
 */
export function createAppointmentNotices(deps: AppointmentNoticesDeps) {
  const { jobs, clock } = deps;
  const offsets = [...new Set(deps.reminderOffsets)].sort((a, b) => b - a);

  const send = (appointmentId: string, kind: string, delaySeconds: number, offset?: number) =>
    jobs.send<AppointmentNoticeJob>(
      queues.appointmentNotice,
      { appointmentId, kind, ...(offset === undefined ? {} : { offsetMinutes: offset }) },
      { id: noticeJobId(appointmentId, kind), startAfterSeconds: delaySeconds },
    );

  /** Reminders still ahead of now; the delay is measured on our clock (tests move it). */
  async function queueReminders(target: NoticeTarget) {
    const now = clock.now().getTime();
    for (const offset of offsets) {
      const due = target.startsAt.getTime() - offset * 60_000;
      if (due <= now) continue; // booked inside the window: the confirmation covers it
      await send(target.id, reminderKind(offset), (due - now) / 1000, offset);
    }
  }

  async function booked(target: NoticeTarget) {
    await send(target.id, 'confirmation', 0);
    await queueReminders(target);
  }

  async function cancelled(target: NoticeTarget, options: { notify: boolean }) {
    await jobs.cancel(
      queues.appointmentNotice,
      offsets.map((o) => noticeJobId(target.id, reminderKind(o))),
    );
    if (options.notify) await send(target.id, 'cancelled', 0);
  }

  // Never let a queue failure turn a committed booking into an error answer.
  const safely = (work: () => Promise<unknown>) =>
    work().then(
      () => undefined,
      (err: unknown) => deps.onError(err),
    );

  return {
    offsets,
    booked: (target: NoticeTarget) => safely(() => booked(target)),
    cancelled: (target: NoticeTarget) => safely(() => cancelled(target, { notify: true })),
    /** The old visit's reminders go; the new one is confirmed (it names the new time). */
    rescheduled: (old: NoticeTarget, moved: NoticeTarget) =>
      safely(async () => {
        await cancelled(old, { notify: false });
        await booked(moved);
      }),

    /**
     * The repair pass: for booked visits still ahead whose notices may be missing (booked in
     * the last `lookbackMinutes`, or starting within the longest reminder offset plus that),
     * queue them again. Existing jobs make it a no-op; a notice that already went out is
     * never sent twice (the notifier's delivery record).
     */
    async repair(db: AppDatabase, lookbackMinutes = 60): Promise<number> {
      const now = clock.now();
      const recentSince = new Date(now.getTime() - lookbackMinutes * 60_000);
      const soonUntil = new Date(now.getTime() + ((offsets[0] ?? 0) + lookbackMinutes) * 60_000);
      const rows = await db
        .select({
          id: appointments.id,
          startsAt: appointments.startsAt,
          status: appointments.status,
          bookedAt: appointments.bookedAt,
        })
        .from(appointments)
        .where(
          and(
            eq(appointments.status, 'booked'),
            gt(appointments.startsAt, now),
            or(gt(appointments.bookedAt, recentSince), lt(appointments.startsAt, soonUntil)),
          ),
        )
        .limit(5_000);
      for (const row of rows) {
        if (row.bookedAt > recentSince) await send(row.id, 'confirmation', 0);
        await queueReminders(row);
      }
      // Cancelled lately and still ahead, not by a move: the cancellation notice and the
      // removal of its reminders (the notifier skips them anyway: it re-reads the status).
      const moved = alias(appointments, 'moved');
      const recentlyCancelled = await db
        .select({
          id: appointments.id,
          startsAt: appointments.startsAt,
          status: appointments.status,
        })
        .from(appointments)
        .where(
          and(
            eq(appointments.status, 'cancelled'),
            gt(appointments.cancelledAt, recentSince),
            gt(appointments.startsAt, now),
            notExists(
              db
                .select({ id: moved.id })
                .from(moved)
                .where(eq(moved.rescheduledFromId, appointments.id)),
            ),
          ),
        )
        .limit(5_000);
      for (const row of recentlyCancelled) await cancelled(row, { notify: true });
      return rows.length + recentlyCancelled.length;
    },
  };
}

export type AppointmentNotices = ReturnType<typeof createAppointmentNotices>;
