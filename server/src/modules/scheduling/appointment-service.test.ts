import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { assertMayChange, isLateCancellation, rescheduledIdFor } from './appointment-rules.js';
import { createAppointmentService } from './appointment-service.js';
import { makeVisitType, visitTypeSlotCheck } from './appointment-test-kit.js';

const HOUR = 3_600_000;

describe('appointment rules', () => {
  it('counts a cancellation as late only inside the window', () => {
    const start = new Date('2026-03-10T15:00:00Z');
    expect(isLateCancellation(start, new Date(start.getTime() - 24 * HOUR), 24)).toBe(false);
    expect(isLateCancellation(start, new Date(start.getTime() - 24 * HOUR + 1), 24)).toBe(true);
    expect(isLateCancellation(start, new Date(start.getTime() - 1), 0)).toBe(false);
  });

  it('lets the patient, the clinic and the visit’s own provider change it', () => {
    const visit = { patientUserId: 'p', providerUserId: 'd' };
    for (const person of [
      { userId: 'p', roles: ['patient'] as const },
      { userId: 'd', roles: ['provider'] as const },
      { userId: 's', roles: ['staff'] as const },
      { userId: 'a', roles: ['admin'] as const },
    ]) {
      expect(() => assertMayChange(person, visit)).not.toThrow();
    }
    for (const person of [
      { userId: 'x', roles: ['patient'] as const },
      { userId: 'x', roles: ['provider'] as const },
      // The provider's id as a patient elsewhere in the clinic is not the provider acting.
      { userId: 'd', roles: ['patient'] as const },
    ]) {
      expect(() => assertMayChange(person, visit)).toThrow(AppError);
    }
  });
});

describe('appointment service (with the simple slot check)', () => {
  const clock = manualClock(new Date('2026-03-02T12:00:00Z'));
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
  });
  afterAll(() => testDatabase.drop());

  it('lets one of two simultaneous moves of a visit win; the other changes nothing', async () => {
    const db = testDatabase.database.db;
    const clinic = await makeClinic(db);
    const patient = await makePerson(db, clinic.id, 'patient');
    const provider = await makePerson(db, clinic.id, 'provider');
    const visitType = await makeVisitType(db, clinic.id);
    const service = createAppointmentService({
      db,
      clock,
      directory: createPeopleDirectory(db),
      consentStatus: async () => ({ consents: [], missingRequired: [] }),
      patientState: async () => 'CA',
      assertMayPractise: async () => {},
      slotCheck: visitTypeSlotCheck(db),
    });
    const { appointment } = await service.book({
      id: randomUUID(),
      clinicId: clinic.id,
      patientId: patient.id,
      providerId: provider.id,
      visitTypeId: visitType.id,
      startsAt: new Date('2026-03-05T10:00:00Z'),
      bookedBy: patient.id,
    });
    const ref = {
      clinicId: clinic.id,
      patientId: patient.id,
      appointmentId: appointment.id,
      actor: { userId: patient.id, roles: ['patient'] as const },
    };
    const outcomes = await Promise.allSettled([
      service.reschedule(ref, new Date('2026-03-06T10:00:00Z'), rescheduledIdFor(appointment.id)),
      service.reschedule(ref, new Date('2026-03-07T10:00:00Z'), rescheduledIdFor(appointment.id)),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'appointment-not-changeable',
    });
    const booked = await db
      .select()
      .from(appointments)
      .where(and(eq(appointments.patientUserId, patient.id), eq(appointments.status, 'booked')));
    expect(booked).toHaveLength(1);
    expect(booked[0]!.rescheduledFromId).toBe(appointment.id);
  });
});
