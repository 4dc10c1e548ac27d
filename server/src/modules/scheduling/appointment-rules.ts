import type { MembershipRole } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { nameBasedId } from '../../platform/name-based-id.js';

/*
 * The booking rules that need no database: who may change an appointment, when a
 * cancellation is late, and the ids retries land on. Pure, so each rule is tested alone.
 */

const HOUR_MS = 3_600_000;

/** The person acting, with their roles at the appointment's clinic. */
export interface ActingPerson {
  userId: string;
  roles: readonly MembershipRole[];
}

interface AppointmentParties {
  patientUserId: string;
  providerUserId: string;
}

const isClinicStaff = (person: ActingPerson) =>
  person.roles.includes('staff') || person.roles.includes('admin');
const isItsProvider = (person: ActingPerson, appointment: AppointmentParties) =>
  person.roles.includes('provider') && person.userId === appointment.providerUserId;

/**
 * Cancel or reschedule: the patient (their own), the clinic's staff and admins, or the
 * appointment's own provider. A colleague who also cares for the patient may read the
 * appointment but not move another provider's visit.
 */
export function assertMayChange(person: ActingPerson, appointment: AppointmentParties) {
  const ownVisit = person.roles.includes('patient') && person.userId === appointment.patientUserId;
  if (ownVisit || isClinicStaff(person) || isItsProvider(person, appointment)) return;
  throw new AppError(
    'forbidden',
    "Only the patient, the clinic's staff or the visit's own provider may change it.",
  );
}

/** A no-show is the clinic's observation: staff, admins, or the visit's own provider. */
export function assertMayMarkNoShow(person: ActingPerson, appointment: AppointmentParties) {
  if (isClinicStaff(person) || isItsProvider(person, appointment)) return;
  throw new AppError(
    'forbidden',
    "Only the clinic's staff or the visit's own provider may mark a missed visit.",
  );
}

/** Only a booked visit that has not started can be cancelled or moved. */
export function assertChangeable(appointment: { status: string; startsAt: Date }, now: Date) {
  if (appointment.status !== 'booked') {
    throw new AppError(
      'appointment-not-changeable',
      `This appointment is ${appointment.status === 'no-show' ? 'marked as missed' : appointment.status}; it can no longer be changed.`,
    );
  }
  if (appointment.startsAt.getTime() <= now.getTime()) {
    throw new AppError(
      'appointment-not-changeable',
      'This visit has already started; it can no longer be cancelled or moved.',
    );
  }
}

/** Cancelling (or moving) closer to the start than the visit type's window is late. */
export function isLateCancellation(startsAt: Date, now: Date, windowHours: number): boolean {
  return startsAt.getTime() - now.getTime() < windowHours * HOUR_MS;
}

/**
 * A booking's id when the client sent an `Idempotency-Key`: derived from the clinic, the
 * patient and the key, so a retried request lands on the same primary key (and the audit
 * event, written first, names it) without a table of keys to keep and expire.
 */
export const bookingIdFor = (clinicId: string, patientId: string, key: string) =>
  nameBasedId(`appointment:${clinicId}:${patientId}:${key}`);

/**
 * The id of the appointment that replaces `appointmentId` when it is rescheduled. An
 * appointment is moved at most once (it is cancelled by the move), so the id is unique, and
 * a retried reschedule lands on the same one.
 */
export const rescheduledIdFor = (appointmentId: string) =>
  nameBasedId(`appointment-rescheduled-from:${appointmentId}`);
