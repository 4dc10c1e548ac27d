import { eq } from 'drizzle-orm';
import { patientProfileUpdateSchema } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import {
  appointments,
  availabilityExceptions,
  consentDocuments,
  providerScheduleSettings,
} from '../../db/schema/index.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { createProfileService } from '../patients/profile-service.js';
import type { SlotCheck } from './booking-checks.js';
import { visitTypeAt } from './booking-checks.js';
import { makeSchedule, makeVisitType } from './availability-test-kit.js';

export { makeVisitType };

/*
 * Booking fixtures for tests and the authorization matrix: rows inserted directly, as the
 * other modules' test kits do, so a test states only what it is about.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A provider bookable every day, all day (UTC), with no notice and a year's horizon. */
export function makeOpenSchedule(db: AppDatabase, clinicId: string, providerId: string) {
  return makeSchedule(
    db,
    clinicId,
    providerId,
    { timeZone: 'UTC', minimumNoticeMinutes: 0, bookingHorizonDays: 365 },
    [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startTime: '00:00', endTime: '24:00' })),
  );
}

/** The patient's profile with a state (the licensing rule reads it). */
export async function setPatientState(
  db: AppDatabase,
  clinicId: string,
  patientId: string,
  state: string,
) {
  const profiles = createProfileService(db, createPeopleDirectory(db));
  const current = await profiles.get(clinicId, patientId);
  await profiles.update(
    clinicId,
    patientId,
    patientId,
    patientProfileUpdateSchema.parse({
      legalName: 'Test Patient',
      state,
      expectedVersion: current?.version ?? 0,
    }),
  );
}

/** An appointment row as booked, without the booking checks (fixtures in the past too). */
export async function makeAppointment(
  db: AppDatabase,
  fields: {
    clinicId: string;
    patientId: string;
    providerId: string;
    visitTypeId: string;
    startsAt: Date;
    minutes?: number;
    status?: string;
  },
) {
  const endsAt = new Date(fields.startsAt.getTime() + (fields.minutes ?? 30) * MINUTE);
  const [row] = await db
    .insert(appointments)
    .values({
      organizationId: fields.clinicId,
      patientUserId: fields.patientId,
      providerUserId: fields.providerId,
      visitTypeId: fields.visitTypeId,
      startsAt: fields.startsAt,
      endsAt,
      blockedFrom: fields.startsAt,
      blockedUntil: endsAt,
      status: fields.status ?? 'booked',
      patientState: 'CA',
      bookedBy: fields.patientId,
    })
    .returning();
  return row!;
}

/**
 * The simplest slot check: any future start, spanned by the visit type's duration and
 * buffers. For service tests that are not about availability.
 */
export function visitTypeSlotCheck(db: AppDatabase): SlotCheck {
  return async (clinicId, _providerId, visitTypeId, startsAt, now) => {
    const visitType = (await visitTypeAt(db, clinicId, visitTypeId))!;
    if (startsAt <= now) throw new Error('test slot check: start is in the past');
    const at = startsAt.getTime();
    const endsAt = new Date(at + visitType.durationMinutes * MINUTE);
    return {
      visitType,
      endsAt,
      blockedFrom: new Date(at - visitType.bufferBeforeMinutes * MINUTE),
      blockedUntil: new Date(endsAt.getTime() + visitType.bufferAfterMinutes * MINUTE),
    };
  };
}

/**
 * The authorization matrix's booking world, against the real clock: patient A (in CA) can
 * book the care provider (licensed in CA) two to four days ahead, whatever their weekly hours
 * (extra hours cover those days); A has a coming visit with them (to cancel and move) and one
 * that started an hour ago (to mark as missed). Run it after the clinic's consent document is
 * made: only the matrix's own consent case signs that document, so here it is made optional.
 */
export async function bookingMatrixFixtures(
  db: AppDatabase,
  world: { clinicId: string; patientId: string; providerId: string },
) {
  const { clinicId, patientId, providerId } = world;
  const visitType = await makeVisitType(db, clinicId);
  const today = Math.floor(Date.now() / DAY) * DAY;
  await db
    .insert(providerScheduleSettings)
    .values({
      organizationId: clinicId,
      providerUserId: providerId,
      timeZone: 'UTC',
      minimumNoticeMinutes: 0,
      bookingHorizonDays: 365,
    })
    .onConflictDoNothing();
  await db.insert(availabilityExceptions).values({
    organizationId: clinicId,
    providerUserId: providerId,
    kind: 'extra-hours',
    startsAt: new Date(today + 2 * DAY),
    endsAt: new Date(today + 4 * DAY),
    createdBy: providerId,
  });
  await setPatientState(db, clinicId, patientId, 'CA');
  await db
    .update(consentDocuments)
    .set({ required: false })
    .where(eq(consentDocuments.organizationId, clinicId));
  const visit = (startsAt: Date) =>
    makeAppointment(db, { clinicId, patientId, providerId, visitTypeId: visitType.id, startsAt });
  const upcoming = await visit(new Date(today + 3 * DAY + 10 * HOUR));
  const started = await visit(new Date(Math.floor((Date.now() - HOUR) / MINUTE) * MINUTE));
  return {
    visitTypeId: visitType.id,
    upcomingId: upcoming.id,
    startedId: started.id,
    /** A free start two days ahead; `n` keeps each caller's booking apart. */
    freeSlot: (n: number) => new Date(today + 2 * DAY + (9 + n) * HOUR).toISOString(),
    /** Where the coming visit moves to. */
    moveTo: new Date(today + 3 * DAY + 14 * HOUR).toISOString(),
    day: new Date(today + 3 * DAY).toISOString().slice(0, 10),
  };
}
