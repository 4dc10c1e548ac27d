import { and, asc, desc, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Appointment, AppointmentStatus, VisitModality } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { appointments, visitTypes } from '../../db/schema/index.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import type { RelationshipSource } from '../care/care-service.js';

/*
 * Reads of the appointments table (this module owns it): rows, the views the API answers
 * with, the busy spans the slot engine subtracts, and the care relationship a visit makes.
 */

export type AppointmentRow = typeof appointments.$inferSelect;

/** A provider's booked time, buffers included: what no other booking may overlap. */
export interface BusySpan {
  providerId: string;
  from: Date;
  to: Date;
}

export type BusySpans = (
  clinicId: string,
  providerIds: string[],
  from: Date,
  to: Date,
) => Promise<BusySpan[]>;

/** Booked appointments' blocked spans overlapping [from, to), for the slot engine. */
export function createBusySpans(db: AppDatabase): BusySpans {
  return async (clinicId, providerIds, from, to) => {
    if (!providerIds.length) return [];
    const rows = await db
      .select({
        providerId: appointments.providerUserId,
        from: appointments.blockedFrom,
        to: appointments.blockedUntil,
      })
      .from(appointments)
      .where(
        and(
          eq(appointments.organizationId, clinicId),
          inArray(appointments.providerUserId, providerIds),
          eq(appointments.status, 'booked'),
          lt(appointments.blockedFrom, to),
          gt(appointments.blockedUntil, from),
        ),
      )
      .orderBy(asc(appointments.blockedFrom));
    return rows;
  };
}

/**
 * The care relationship scheduling gives: a booked visit (coming or past) or a completed one
 * links the provider to the patient. Cancelled and missed visits do not.
 */
export function visitRelationship(db: AppDatabase): RelationshipSource {
  return async (clinicId, patientId, providerId) => {
    const [row] = await db
      .select({ id: appointments.id })
      .from(appointments)
      .where(
        and(
          eq(appointments.organizationId, clinicId),
          eq(appointments.patientUserId, patientId),
          eq(appointments.providerUserId, providerId),
          inArray(appointments.status, ['booked', 'completed']),
        ),
      )
      .limit(1);
    return row !== undefined;
  };
}

/**
 * The access policy's record locator for visits (`/visits/:visitId`, the appointment's id):
 * whose visit it is, when it is at this clinic.
 */
export function appointmentOwner(db: AppDatabase) {
  return async (clinicId: string, appointmentId: string): Promise<string | undefined> => {
    const [row] = await db
      .select({ patientId: appointments.patientUserId })
      .from(appointments)
      .where(and(eq(appointments.id, appointmentId), eq(appointments.organizationId, clinicId)));
    return row?.patientId;
  };
}

/** Whether an appointment at the clinic is this patient's (the intake module asks). */
export async function isPatientsAppointment(
  db: AppDatabase,
  clinicId: string,
  patientId: string,
  appointmentId: string,
): Promise<boolean> {
  const [row] = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.id, appointmentId),
        eq(appointments.organizationId, clinicId),
        eq(appointments.patientUserId, patientId),
      ),
    )
    .limit(1);
  return row !== undefined;
}

const LIST_LIMIT = 100;

/** Reads and views of appointments. */
export function createAppointmentQueries(db: AppDatabase, directory: PeopleDirectory) {
  /** The API's shape: names of the people, the visit type's name and modality. */
  async function views(rows: AppointmentRow[]): Promise<Appointment[]> {
    if (!rows.length) return [];
    const types = await db
      .select({
        id: visitTypes.id,
        name: visitTypes.name,
        modality: visitTypes.modality,
        durationMinutes: visitTypes.durationMinutes,
      })
      .from(visitTypes)
      .where(inArray(visitTypes.id, [...new Set(rows.map((r) => r.visitTypeId))]));
    const typeById = new Map(types.map((t) => [t.id, t]));
    const names = await directory.names(
      rows.flatMap((r) => [
        r.patientUserId,
        r.providerUserId,
        r.bookedBy,
        ...(r.cancelledBy ? [r.cancelledBy] : []),
      ]),
    );
    const person = (id: string) => ({ id, displayName: names.get(id) ?? '' });
    return rows.map((r) => {
      const type = typeById.get(r.visitTypeId)!;
      return {
        id: r.id,
        patient: person(r.patientUserId),
        provider: person(r.providerUserId),
        visitType: { ...type, modality: type.modality as VisitModality },
        startsAt: r.startsAt.toISOString(),
        endsAt: r.endsAt.toISOString(),
        status: r.status as AppointmentStatus,
        patientState: r.patientState,
        bookedBy: person(r.bookedBy),
        bookedAt: r.bookedAt.toISOString(),
        cancelledAt: r.cancelledAt?.toISOString() ?? null,
        cancelledBy: r.cancelledBy ? person(r.cancelledBy) : null,
        cancelReason: r.cancelReason,
        lateCancellation: r.lateCancellation,
        rescheduledFromId: r.rescheduledFromId,
      };
    });
  }

  async function byId(id: string): Promise<AppointmentRow | undefined> {
    const [row] = await db.select().from(appointments).where(eq(appointments.id, id));
    return row;
  }

  /** Appointments overlapping [from, to) at a clinic, optionally of some providers. */
  async function inRange(
    clinicId: string,
    range: { from: Date; to: Date; providerId?: string; includeCancelled: boolean },
  ) {
    const rows = await db
      .select()
      .from(appointments)
      .where(
        and(
          eq(appointments.organizationId, clinicId),
          range.providerId ? eq(appointments.providerUserId, range.providerId) : undefined,
          lt(appointments.startsAt, range.to),
          gt(appointments.endsAt, range.from),
          range.includeCancelled ? undefined : ne(appointments.status, 'cancelled'),
        ),
      )
      .orderBy(asc(appointments.startsAt), asc(appointments.providerUserId))
      .limit(2_000);
    return views(rows);
  }

  return {
    views,
    byId,

    /** One of the patient's appointments at the clinic, or undefined. */
    async ofPatient(clinicId: string, patientId: string, appointmentId: string) {
      const row = await byId(appointmentId);
      return row && row.organizationId === clinicId && row.patientUserId === patientId
        ? row
        : undefined;
    },

    /** Upcoming: booked and not yet ended, soonest first. Past: the rest, newest first. */
    async ofPatientByTime(clinicId: string, patientId: string, now: Date) {
      const mine = and(
        eq(appointments.organizationId, clinicId),
        eq(appointments.patientUserId, patientId),
      );
      const coming = and(eq(appointments.status, 'booked'), gt(appointments.endsAt, now));
      const [upcoming, past] = await Promise.all([
        db
          .select()
          .from(appointments)
          .where(and(mine, coming))
          .orderBy(asc(appointments.startsAt))
          .limit(LIST_LIMIT),
        db
          .select()
          .from(appointments)
          .where(and(mine, sql`not (${coming})`))
          .orderBy(desc(appointments.startsAt))
          .limit(LIST_LIMIT),
      ]);
      return { upcoming: await views(upcoming), past: await views(past) };
    },

    inRange,
  };
}

export type AppointmentQueries = ReturnType<typeof createAppointmentQueries>;

/** What a notice about an appointment needs to know: who, when, how, and its state. */
export interface AppointmentNoticeFacts {
  id: string;
  clinicId: string;
  patientId: string;
  providerId: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  modality: VisitModality;
}

/** The notifier's read of one appointment (any clinic: the job names it by id). */
export async function appointmentNoticeFacts(
  db: AppDatabase,
  appointmentId: string,
): Promise<AppointmentNoticeFacts | undefined> {
  const [row] = await db
    .select({
      id: appointments.id,
      clinicId: appointments.organizationId,
      patientId: appointments.patientUserId,
      providerId: appointments.providerUserId,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      status: appointments.status,
      modality: visitTypes.modality,
    })
    .from(appointments)
    .innerJoin(visitTypes, eq(visitTypes.id, appointments.visitTypeId))
    .where(eq(appointments.id, appointmentId))
    .limit(1);
  return row
    ? { ...row, status: row.status as AppointmentStatus, modality: row.modality as VisitModality }
    : undefined;
}
