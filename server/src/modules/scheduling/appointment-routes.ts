import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  appointmentBookSchema,
  appointmentCancelSchema,
  appointmentRescheduleSchema,
  appointmentSchema,
  clinicScheduleQuerySchema,
  clinicScheduleSchema,
  idempotencyKeySchema,
  patientAppointmentsSchema,
  problemSchema,
  providerCalendarQuerySchema,
  providerCalendarSchema,
} from '@openvisit/contracts';
import { requireActor, type AccessRule } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { auditResults, createdIdOf, type RouteAudit } from '../audit/audit-hooks.js';
import type { AppointmentService } from './appointment-service.js';
import { bookingIdFor, rescheduledIdFor, type ActingPerson } from './appointment-rules.js';

const tags = ['appointments'];
const clinicParams = z.object({ clinicId: z.uuid() });
const patientParams = clinicParams.extend({ patientId: z.uuid() });
const appointmentParams = patientParams.extend({ appointmentId: z.uuid() });
const providerParams = clinicParams.extend({ providerId: z.uuid() });
const problems = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

/*
 * Appointments are administrative content (docs/access-control.md): the patient, the
 * providers caring for them, and the clinic's staff and admins reach them. Who may change
 * one is decided per appointment in appointment-rules.ts.
 */
const appointmentsOfPatient: AccessRule = { rule: 'patient-record', content: 'administrative' };
// The patient books for themself, or the front desk books for them. Providers do not book:
// the clinic's staff own the calendar, and a provider could otherwise fill a colleague's day.
const booking: AccessRule = {
  rule: 'patient-record',
  content: 'administrative',
  roles: ['patient', 'staff', 'admin'],
};
// A missed visit is the clinic's observation, never the patient's.
const noShowMarking: AccessRule = {
  rule: 'patient-record',
  content: 'administrative',
  roles: ['provider', 'staff', 'admin'],
};
const workforce: AccessRule = { rule: 'clinic-role', roles: ['provider', 'staff', 'admin'] };
const frontDesk: AccessRule = { rule: 'clinic-role', roles: ['staff', 'admin'] };
const appointmentChange: RouteAudit = {
  action: 'update',
  resource: 'appointment',
  resourceParam: 'appointmentId',
};

/** The optional `Idempotency-Key` header, checked here: a header schema would drop the others. */
function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) {
    throw new AppError('validation', 'One or more fields are not valid.', [
      { path: 'headers.idempotency-key', message: parsed.error.issues[0]!.message },
    ]);
  }
  return parsed.data;
}

/** The actor and their roles at the route's clinic. */
function actingPerson(request: FastifyRequest): ActingPerson {
  const actor = requireActor(request);
  const { clinicId } = request.params as { clinicId: string };
  return {
    userId: actor.userId,
    roles: actor.memberships.filter((m) => m.organizationId === clinicId).map((m) => m.role),
  };
}

const param = (request: FastifyRequest, name: string) =>
  (request.params as Record<string, string>)[name]!;

export const appointmentRoutes: FastifyPluginAsyncZod<{
  appointments: AppointmentService;
}> = async (app, { appointments }) => {
  const base = '/api/clinics/:clinicId/patients/:patientId/appointments';

  app.post(
    base,
    {
      config: {
        access: booking,
        audit: {
          action: 'create',
          resource: 'appointment',
          // A retried booking names the same appointment as the first.
          newId: (request) => {
            const key = idempotencyKey(request.headers['idempotency-key']);
            return key
              ? bookingIdFor(param(request, 'clinicId'), param(request, 'patientId'), key)
              : randomUUID();
          },
        },
      },
      // A malformed key is refused before the change is audited as attempted.
      preValidation: async (request) => void idempotencyKey(request.headers['idempotency-key']),
      schema: {
        tags,
        summary: 'Book a visit for the patient (Idempotency-Key honoured)',
        params: patientParams,
        body: appointmentBookSchema,
        response: { 201: appointmentSchema, ...problems },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId } = request.params;
      const { appointment, replayed } = await appointments.book({
        id: createdIdOf(request),
        clinicId,
        patientId,
        providerId: request.body.providerId,
        visitTypeId: request.body.visitTypeId,
        startsAt: new Date(request.body.startsAt),
        bookedBy: requireActor(request).userId,
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(appointment);
    },
  );

  app.get(
    base,
    {
      config: { access: appointmentsOfPatient, audit: { action: 'read', resource: 'appointment' } },
      schema: {
        tags,
        summary: "The patient's upcoming and past visits",
        params: patientParams,
        response: { 200: patientAppointmentsSchema },
      },
    },
    async (request) =>
      appointments.patientAppointments(request.params.clinicId, request.params.patientId),
  );

  const ref = (request: FastifyRequest) => ({
    clinicId: param(request, 'clinicId'),
    patientId: param(request, 'patientId'),
    appointmentId: param(request, 'appointmentId'),
    actor: actingPerson(request),
  });

  app.post(
    `${base}/:appointmentId/cancel`,
    {
      config: { access: appointmentsOfPatient, audit: appointmentChange },
      schema: {
        tags,
        summary: 'Cancel a visit that has not started (late inside the cancellation window)',
        params: appointmentParams,
        body: appointmentCancelSchema,
        response: { 200: appointmentSchema, ...problems },
      },
    },
    async (request) => appointments.cancel(ref(request), request.body.reason),
  );

  app.post(
    `${base}/:appointmentId/reschedule`,
    {
      config: {
        access: appointmentsOfPatient,
        audit: {
          action: 'create',
          resource: 'appointment',
          // The new appointment; it names the old one (`rescheduledFromId`).
          newId: (request) => rescheduledIdFor(param(request, 'appointmentId')),
        },
      },
      schema: {
        tags,
        summary: 'Move a visit to a new time: the old is cancelled and the new booked, or neither',
        params: appointmentParams,
        body: appointmentRescheduleSchema,
        response: { 201: appointmentSchema, ...problems },
      },
    },
    async (request, reply) => {
      const { appointment, replayed } = await appointments.reschedule(
        ref(request),
        new Date(request.body.startsAt),
        createdIdOf(request),
      );
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(appointment);
    },
  );

  app.post(
    `${base}/:appointmentId/no-show`,
    {
      config: { access: noShowMarking, audit: appointmentChange },
      schema: {
        tags,
        summary: 'Mark a visit as missed (after its start)',
        params: appointmentParams,
        response: { 200: appointmentSchema, ...problems },
      },
    },
    async (request) => appointments.markNoShow(ref(request)),
  );

  app.get(
    '/api/clinics/:clinicId/providers/:providerId/calendar',
    {
      config: { access: workforce, audit: { action: 'search', resource: 'appointment' } },
      schema: {
        tags,
        summary: "A provider's appointments in a range (their own, or any for staff and admins)",
        params: providerParams,
        querystring: providerCalendarQuerySchema,
        response: { 200: providerCalendarSchema, ...problems },
      },
    },
    async (request) => {
      const { clinicId, providerId } = request.params;
      const person = actingPerson(request);
      const frontOffice = person.roles.includes('staff') || person.roles.includes('admin');
      if (!frontOffice && person.userId !== providerId) {
        throw new AppError('forbidden', "A provider sees their own calendar, not a colleague's.");
      }
      const list = await appointments.providerCalendar(clinicId, providerId, {
        from: new Date(request.query.from),
        to: new Date(request.query.to),
        includeCancelled: request.query.includeCancelled,
      });
      auditResults(request, [...new Set(list.map((a) => a.patient.id))]);
      return { appointments: list };
    },
  );

  app.get(
    '/api/clinics/:clinicId/schedule',
    {
      config: { access: frontDesk, audit: { action: 'search', resource: 'appointment' } },
      schema: {
        tags,
        summary: "The clinic's appointments on one day (every provider)",
        params: clinicParams,
        querystring: clinicScheduleQuerySchema,
        response: { 200: clinicScheduleSchema, ...problems },
      },
    },
    async (request) => {
      const { date, timeZone, includeCancelled } = request.query;
      const day = await appointments.clinicSchedule(request.params.clinicId, {
        date,
        timeZone,
        includeCancelled,
      });
      auditResults(request, [...new Set(day.appointments.map((a) => a.patient.id))]);
      return {
        date,
        timeZone,
        from: day.from.toISOString(),
        to: day.to.toISOString(),
        appointments: day.appointments,
      };
    },
  );
};
