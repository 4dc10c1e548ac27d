import { and, eq, gt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Appointment } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { appointments } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { databaseFault } from '../../platform/database-errors.js';
import { AppError } from '../../platform/errors.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import type { AppointmentNotices } from './appointment-notices.js';
import {
  createAppointmentQueries,
  createBusySpans,
  type AppointmentRow,
} from './appointment-queries.js';
import {
  assertChangeable,
  assertMayChange,
  assertMayMarkNoShow,
  isLateCancellation,
  type ActingPerson,
} from './appointment-rules.js';
import {
  createBookingChecks,
  patientDoubleBooked,
  slotTaken,
  visitTypeAt,
  type BookingCheckDeps,
  type BookingPlan,
  type BookingRequest,
} from './booking-checks.js';

export interface AppointmentDeps extends BookingCheckDeps {
  db: AppDatabase;
  clock: Clock;
  directory: PeopleDirectory;
  /** Confirmations and reminders (queued after each committed change); none when absent. */
  notices?: Pick<AppointmentNotices, 'booked' | 'cancelled' | 'rescheduled'> | undefined;
  /** The visits module's say on changes to a visit that may have begun (app.ts binds it). */
  visitGuard?: VisitGuard | undefined;
}

export type AppointmentChange = 'cancel' | 'reschedule' | 'no-show';

/**
 * Asked inside the change's transaction, with the appointment's row locked: a visit the
 * patient checked in to, or that is under way, may refuse (409). `changed` hears of the
 * change after its commit (to tell the people in the visit).
 */
export interface VisitGuard {
  assertMayChange(tx: AppDatabase, appointmentId: string, change: AppointmentChange): Promise<void>;
  changed(appointmentId: string): void;
}

export interface BookingInput extends BookingRequest {
  /** The new appointment's id, chosen first (the audit event names it; retries reuse it). */
  id: string;
  bookedBy: string;
}

/** Which appointment, and who acts on it. */
export interface AppointmentRef {
  clinicId: string;
  patientId: string;
  appointmentId: string;
  actor: ActingPerson;
}

const sameBooking = (row: AppointmentRow, input: BookingInput) =>
  row.organizationId === input.clinicId &&
  row.patientUserId === input.patientId &&
  row.providerUserId === input.providerId &&
  row.visitTypeId === input.visitTypeId &&
  row.startsAt.getTime() === input.startsAt.getTime();

/**
 * Booking, cancelling, moving and missed visits. The database guarantees what matters most
 * (no provider or patient holds two overlapping booked visits: migration 0008); this
 * service checks the rest first and turns the database's refusals into answers people act on.
 */
export function createAppointmentService(deps: AppointmentDeps) {
  const { db, clock } = deps;
  const checks = createBookingChecks(deps);
  const queries = createAppointmentQueries(db, deps.directory);

  async function lock(tx: AppDatabase, appointmentId: string) {
    const [row] = await tx
      .select()
      .from(appointments)
      .where(eq(appointments.id, appointmentId))
      .for('update');
    return row;
  }

  async function lockBooked(tx: AppDatabase, appointmentId: string) {
    const row = await lock(tx, appointmentId);
    return row?.status === 'booked' ? row : undefined;
  }

  async function viewOf(row: AppointmentRow): Promise<Appointment> {
    return (await queries.views([row]))[0]!;
  }

  async function found(ref: AppointmentRef) {
    const row = await queries.ofPatient(ref.clinicId, ref.patientId, ref.appointmentId);
    if (!row) throw new AppError('not-found', 'No appointment with this id for this patient.');
    return row;
  }

  /** A retry of a booking already stored: the same booking is answered again, another refused. */
  async function replay(existing: AppointmentRow, input: BookingInput) {
    if (!sameBooking(existing, input)) {
      throw new AppError(
        'conflict',
        'This Idempotency-Key was already used for a different booking.',
      );
    }
    return { appointment: await viewOf(existing), replayed: true };
  }

  /**
   * The database refused the INSERT: a retry that raced its twin (the same id) is answered
   * like any replay; an overlap becomes the answer people act on.
   */
  async function afterRefusal(err: unknown, input: BookingInput) {
    const fault = databaseFault(err);
    if (fault?.sqlState === '23505' || fault?.sqlState === '23P01') {
      const twin = await queries.byId(input.id);
      if (twin) return replay(twin, input);
    }
    if (fault?.sqlState === '23P01') {
      if (fault.constraint === 'appointments_patient_no_overlap') throw patientDoubleBooked();
      if (fault.constraint === 'appointments_provider_no_overlap') throw slotTaken();
    }
    throw err;
  }

  const rowValues = (input: BookingInput, plan: BookingPlan, rescheduledFromId: string | null) => ({
    id: input.id,
    organizationId: input.clinicId,
    patientUserId: input.patientId,
    providerUserId: input.providerId,
    visitTypeId: input.visitTypeId,
    startsAt: input.startsAt,
    endsAt: plan.endsAt,
    blockedFrom: plan.blockedFrom,
    blockedUntil: plan.blockedUntil,
    status: 'booked',
    patientState: plan.patientState,
    bookedBy: input.bookedBy,
    bookedAt: clock.now(),
    rescheduledFromId,
  });

  return {
    busySpans: createBusySpans(db),

    /** One appointment at a clinic as the API shows it (the visits module builds on it). */
    async view(clinicId: string, appointmentId: string): Promise<Appointment | undefined> {
      const row = await queries.byId(appointmentId);
      return row?.organizationId === clinicId ? viewOf(row) : undefined;
    },

    /**
     * For the visits module, inside its transaction: the appointment's row, locked, when it
     * is still booked. Changes here lock it too, so a visit's transition and a cancellation
     * never interleave.
     */
    lockBooked,

    /** The appointment's row locked whatever its status (the visit's own transitions). */
    lock,

    /** The visit ended (visits module, inside its transaction). */
    async markCompleted(tx: AppDatabase, appointmentId: string): Promise<void> {
      await tx
        .update(appointments)
        .set({ status: 'completed' })
        .where(and(eq(appointments.id, appointmentId), eq(appointments.status, 'booked')));
    },

    /**
     * Books a visit. A retry with the same id (same Idempotency-Key) answers the stored
     * appointment (`replayed`), before any check: the slot it took is no longer free.
     */
    async book(input: BookingInput): Promise<{ appointment: Appointment; replayed: boolean }> {
      const earlier = await queries.byId(input.id);
      if (earlier) return replay(earlier, input);
      const plan = await checks.plan(input, clock.now());
      try {
        const [row] = await db
          .insert(appointments)
          .values(rowValues(input, plan, null))
          .returning();
        await deps.notices?.booked(row!);
        return { appointment: await viewOf(row!), replayed: false };
      } catch (err) {
        return afterRefusal(err, input);
      }
    },

    /**
     * Cancels a booked visit that has not started; late when inside the visit type's
     * window. Cancelling a cancelled visit answers it unchanged (a retried request).
     */
    async cancel(ref: AppointmentRef, reason: string | null): Promise<Appointment> {
      const row = await found(ref);
      assertMayChange(ref.actor, row);
      if (row.status === 'cancelled') return viewOf(row);
      const now = clock.now();
      assertChangeable(row, now);
      const visitType = (await visitTypeAt(db, ref.clinicId, row.visitTypeId))!;
      const cancelled = await db.transaction(async (tx) => {
        if (!(await lockBooked(tx, row.id))) return undefined;
        await deps.visitGuard?.assertMayChange(tx, row.id, 'cancel');
        const [updated] = await tx
          .update(appointments)
          .set({
            status: 'cancelled',
            cancelledAt: now,
            cancelledBy: ref.actor.userId,
            cancelReason: reason,
            lateCancellation: isLateCancellation(
              row.startsAt,
              now,
              visitType.cancellationWindowHours,
            ),
          })
          .where(eq(appointments.id, row.id))
          .returning();
        return updated;
      });
      if (cancelled) {
        deps.visitGuard?.changed(cancelled.id);
        await deps.notices?.cancelled(cancelled);
        return viewOf(cancelled);
      }
      // Changed meanwhile (cancelled by someone else, or marked): answer what it is now.
      const current = (await queries.byId(row.id))!;
      if (current.status === 'cancelled') return viewOf(current);
      assertChangeable(current, now);
      throw new AppError('appointment-not-changeable', 'This appointment changed meanwhile.');
    },

    /**
     * Moves a visit to a new start (same provider and visit type): in ONE transaction the
     * old appointment is cancelled (late per the window) and the new one booked, so when the
     * new time is taken the old visit stays booked. `newId` is `rescheduledIdFor(old)`.
     */
    async reschedule(
      ref: AppointmentRef,
      startsAt: Date,
      newId: string,
    ): Promise<{ appointment: Appointment; replayed: boolean }> {
      const old = await found(ref);
      assertMayChange(ref.actor, old);
      const input: BookingInput = {
        id: newId,
        clinicId: ref.clinicId,
        patientId: ref.patientId,
        providerId: old.providerUserId,
        visitTypeId: old.visitTypeId,
        startsAt,
        bookedBy: ref.actor.userId,
      };
      if (old.status === 'cancelled') {
        const successor = await queries.byId(newId);
        if (successor?.rescheduledFromId === old.id) {
          if (sameBooking(successor, input)) return replay(successor, input);
          throw new AppError(
            'appointment-not-changeable',
            'This appointment was already moved; change the new one instead.',
          );
        }
      }
      const now = clock.now();
      assertChangeable(old, now);
      // The slot check leaves busy time to the database, so a move overlapping the old time
      // (15 minutes later) passes; the transaction frees the old span before the INSERT.
      const plan = await checks.plan(input, now);
      const oldType = (await visitTypeAt(db, ref.clinicId, old.visitTypeId))!;
      try {
        const row = await db.transaction(async (tx) => {
          // Only while still booked and not started: a concurrent cancel or move wins.
          const [released] = await tx
            .update(appointments)
            .set({
              status: 'cancelled',
              cancelledAt: now,
              cancelledBy: ref.actor.userId,
              cancelReason: 'Rescheduled',
              lateCancellation: isLateCancellation(
                old.startsAt,
                now,
                oldType.cancellationWindowHours,
              ),
            })
            .where(
              and(
                eq(appointments.id, old.id),
                eq(appointments.status, 'booked'),
                gt(appointments.startsAt, now),
              ),
            )
            .returning({ id: appointments.id });
          if (!released) {
            throw new AppError(
              'appointment-not-changeable',
              'This appointment was changed by someone else meanwhile. Reload it.',
            );
          }
          await deps.visitGuard?.assertMayChange(tx, old.id, 'reschedule');
          const [created] = await tx
            .insert(appointments)
            .values(rowValues(input, plan, old.id))
            .returning();
          return created!;
        });
        deps.visitGuard?.changed(old.id);
        await deps.notices?.rescheduled(old, row);
        return { appointment: await viewOf(row), replayed: false };
      } catch (err) {
        if (err instanceof AppError) throw err;
        return afterRefusal(err, input);
      }
    },

    /** Marks a booked visit as missed, once it has started: staff, admins, its provider. */
    async markNoShow(ref: AppointmentRef): Promise<Appointment> {
      const row = await found(ref);
      assertMayMarkNoShow(ref.actor, row);
      if (row.status === 'no-show') return viewOf(row);
      if (row.status !== 'booked') {
        throw new AppError(
          'appointment-not-changeable',
          `This appointment is ${row.status}; only a booked visit can be marked as missed.`,
        );
      }
      const now = clock.now();
      if (row.startsAt.getTime() > now.getTime()) {
        throw new AppError(
          'appointment-not-changeable',
          'This visit has not started yet; mark it as missed after its start time.',
        );
      }
      const marked = await db.transaction(async (tx) => {
        if (!(await lockBooked(tx, row.id))) return undefined;
        await deps.visitGuard?.assertMayChange(tx, row.id, 'no-show');
        const [updated] = await tx
          .update(appointments)
          .set({ status: 'no-show' })
          .where(eq(appointments.id, row.id))
          .returning();
        return updated;
      });
      if (marked) {
        deps.visitGuard?.changed(marked.id);
        return viewOf(marked);
      }
      const current = (await queries.byId(row.id))!;
      if (current.status === 'no-show') return viewOf(current);
      throw new AppError('appointment-not-changeable', `This appointment is ${current.status}.`);
    },

    /** The patient's visits: upcoming (booked, not ended) and past. */
    patientAppointments(clinicId: string, patientId: string) {
      return queries.ofPatientByTime(clinicId, patientId, clock.now());
    },

    /** A provider's appointments overlapping [from, to). */
    async providerCalendar(
      clinicId: string,
      providerId: string,
      range: { from: Date; to: Date; includeCancelled: boolean },
    ) {
      if (!(await deps.directory.holdsRole(clinicId, providerId, 'provider'))) {
        throw new AppError('not-found', 'No provider with this id at this clinic.');
      }
      return queries.inRange(clinicId, { ...range, providerId });
    },

    /** Every provider's appointments on one calendar day in `timeZone`. */
    async clinicSchedule(
      clinicId: string,
      day: { date: string; timeZone: string; includeCancelled: boolean },
    ) {
      const start = DateTime.fromISO(day.date, { zone: day.timeZone }).startOf('day');
      const from = start.toJSDate();
      const to = start.plus({ days: 1 }).toJSDate();
      const list = await queries.inRange(clinicId, {
        from,
        to,
        includeCancelled: day.includeCancelled,
      });
      return { from, to, appointments: list };
    },
  };
}

export type AppointmentService = ReturnType<typeof createAppointmentService>;
