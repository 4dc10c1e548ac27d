import { z } from 'zod';
import { timeZoneSchema } from './patients.js';
import { timeWindow, visitModalitySchema } from './scheduling-availability.js';

/*
 * Booking and appointments. Instants are ISO 8601: clients may send any offset, the server
 * answers in UTC. What can be booked (visit types, hours, slots) is in
 * scheduling-availability.ts; who may do what is in docs/scheduling-booking.md.
 */

export const appointmentStatuses = ['booked', 'cancelled', 'completed', 'no-show'] as const;
export const appointmentStatusSchema = z.enum(appointmentStatuses);
export type AppointmentStatus = (typeof appointmentStatuses)[number];

const instantSchema = z.iso.datetime({ offset: true, message: 'Enter an ISO 8601 date and time.' });

/** Book a visit: one of the slot search's starts, with that provider and visit type. */
export const appointmentBookSchema = z.object({
  providerId: z.uuid(),
  visitTypeId: z.uuid(),
  startsAt: instantSchema,
});
export type AppointmentBook = z.input<typeof appointmentBookSchema>;

export const appointmentCancelSchema = z.object({
  /** Shown to the clinic; optional. Administrative, like the appointment itself. */
  reason: z
    .string()
    .trim()
    .max(500, 'Keep the reason under 500 characters.')
    .nullish()
    .transform((v) => v || null),
});
export type AppointmentCancel = z.input<typeof appointmentCancelSchema>;

/** Move a visit to another start (same provider, same visit type). */
export const appointmentRescheduleSchema = z.object({ startsAt: instantSchema });
export type AppointmentReschedule = z.input<typeof appointmentRescheduleSchema>;

const personSchema = z.object({ id: z.uuid(), displayName: z.string() });

export const appointmentSchema = z.object({
  id: z.uuid(),
  patient: personSchema,
  provider: personSchema,
  visitType: z.object({
    id: z.uuid(),
    name: z.string(),
    modality: visitModalitySchema,
    durationMinutes: z.number().int(),
  }),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  status: appointmentStatusSchema,
  /** Where the patient was when booked: the licensing rule was checked against it. */
  patientState: z.string(),
  bookedBy: personSchema,
  bookedAt: z.iso.datetime(),
  cancelledAt: z.iso.datetime().nullable(),
  cancelledBy: personSchema.nullable(),
  cancelReason: z.string().nullable(),
  /** Cancelled or moved inside the visit type's cancellation window. */
  lateCancellation: z.boolean(),
  /** The appointment this one replaced, when it was rescheduled. */
  rescheduledFromId: z.uuid().nullable(),
});
export type Appointment = z.infer<typeof appointmentSchema>;

export const patientAppointmentsSchema = z.object({
  /** Booked visits that have not ended, soonest first. */
  upcoming: z.array(appointmentSchema),
  /** Everything else (ended, cancelled, missed), newest first; at most 100. */
  past: z.array(appointmentSchema),
});
export type PatientAppointments = z.infer<typeof patientAppointmentsSchema>;

/** The longest range one calendar read covers. */
export const MAX_CALENDAR_DAYS = 62;

export const providerCalendarQuerySchema = z
  .object({
    from: instantSchema,
    to: instantSchema,
    /** Cancelled appointments are left out unless asked for. */
    includeCancelled: z.stringbool().default(false),
  })
  .superRefine(timeWindow(MAX_CALENDAR_DAYS, 'Read'));
export type ProviderCalendarQuery = z.input<typeof providerCalendarQuerySchema>;

export const providerCalendarSchema = z.object({
  /** Appointments overlapping the range, by start. */
  appointments: z.array(appointmentSchema),
});
export type ProviderCalendar = z.infer<typeof providerCalendarSchema>;

export const clinicScheduleQuerySchema = z.object({
  date: z.iso.date({ message: 'Enter a date as YYYY-MM-DD.' }),
  /** The zone whose calendar day `date` is (the clinic's, as the web app sends it). */
  timeZone: timeZoneSchema,
  includeCancelled: z.stringbool().default(false),
});
export type ClinicScheduleQuery = z.input<typeof clinicScheduleQuerySchema>;

export const clinicScheduleSchema = z.object({
  date: z.iso.date(),
  timeZone: z.string(),
  /** The day's bounds as instants (a DST day is 23 or 25 hours long). */
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** Every provider's appointments that day, by start. */
  appointments: z.array(appointmentSchema),
});
export type ClinicSchedule = z.infer<typeof clinicScheduleSchema>;
