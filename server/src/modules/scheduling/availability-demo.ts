import type { WeeklyRule } from '@openvisit/contracts';
import { DateTime } from 'luxon';
import type { AppDatabase } from '../../db/client.js';
import {
  appointments,
  availabilityRules,
  providerScheduleSettings,
  visitTypes,
} from '../../db/schema/index.js';

/** The demo clinic's visit types (intake slugs are the demo questionnaires'). */
export const demoVisitTypes = [
  {
    slug: 'urgent-care-video-visit',
    name: 'Urgent care video visit',
    description: 'For a new problem that needs attention soon: a cough, a rash, an infection.',
    durationMinutes: 20,
    bufferAfterMinutes: 5,
    modality: 'video',
    priceCents: 7900,
    intakeFormSlug: 'urgent-care',
    requiredConsentKinds: ['telehealth', 'privacy-notice'],
    cancellationWindowHours: 24,
  },
  {
    slug: 'follow-up-video-visit',
    name: 'Follow-up video visit',
    description: 'To review how a treatment is going, test results or a long-term condition.',
    durationMinutes: 30,
    modality: 'video',
    priceCents: 5900,
    intakeFormSlug: 'follow-up',
    requiredConsentKinds: ['telehealth', 'privacy-notice'],
    cancellationWindowHours: 24,
  },
  {
    slug: 'phone-check-in',
    name: 'Phone check-in',
    description: 'A short call about a prescription refill or a quick question.',
    durationMinutes: 15,
    modality: 'phone',
    priceCents: 0,
    intakeFormSlug: null,
    requiredConsentKinds: ['telehealth', 'privacy-notice'],
    cancellationWindowHours: 12,
  },
];

const days = (weekdays: number[], startTime: string, endTime: string): WeeklyRule[] =>
  weekdays.map((weekday) => ({ weekday, startTime, endTime }));

/** Weekly hours, in each provider's profile zone (demo-providers.ts). */
const demoSchedules = [
  {
    email: 'dr.chen@demo-clinic.test',
    timeZone: 'America/Chicago',
    rules: [...days([1, 2, 3, 4, 5], '09:00', '12:00'), ...days([1, 2, 3, 4, 5], '13:00', '17:00')],
  },
  {
    email: 'dr.okafor@demo-clinic.test',
    timeZone: 'America/New_York',
    rules: days([1, 2, 3, 4], '08:00', '16:00'),
  },
];

/**
 * Seeds the demo visit types and the providers' schedules (inside the demo seed's
 * transaction, which runs once: the seed is idempotent as a whole).
 */
export async function seedDemoAvailability(
  tx: Pick<AppDatabase, 'insert'>,
  clinicId: string,
  idOf: (email: string) => string,
): Promise<DemoVisitTypeIds> {
  const types = await tx
    .insert(visitTypes)
    .values(demoVisitTypes.map((v) => ({ organizationId: clinicId, ...v })))
    .returning({ id: visitTypes.id, slug: visitTypes.slug });
  for (const { email, timeZone, rules } of demoSchedules) {
    const providerUserId = idOf(email);
    await tx.insert(providerScheduleSettings).values({
      organizationId: clinicId,
      providerUserId,
      timeZone,
      minimumNoticeMinutes: 120,
      bookingHorizonDays: 60,
    });
    await tx
      .insert(availabilityRules)
      .values(rules.map((rule) => ({ organizationId: clinicId, providerUserId, ...rule })));
  }
  return new Map(types.map((t) => [t.slug, t.id]));
}

/** The demo visit types' ids by slug. */
export type DemoVisitTypeIds = ReadonlyMap<string, string>;

const CHEN_ZONE = 'America/Chicago';
/** Monday to Friday (luxon's weekdays: 1 = Monday … 7 = Sunday), Dr. Chen's days. */
const isWeekday = (day: DateTime) => day.weekday <= 5;

/**
 * James's coming visit: 15:00 in Dr. Chen's zone (inside his 13:00-17:00 hours, and no time
 * the browser tests book) on the first weekday at least three days after the seed.
 */
export function demoUpcomingVisitStart(seededAt: Date): Date {
  let day = DateTime.fromJSDate(seededAt, { zone: CHEN_ZONE }).startOf('day').plus({ days: 3 });
  while (!isWeekday(day)) day = day.plus({ days: 1 });
  return day.set({ hour: 15 }).toJSDate();
}

/** James's past visit: 10:00 in Dr. Chen's zone, the last weekday two weeks or more back. */
export function demoPastVisitStart(seededAt: Date): Date {
  let day = DateTime.fromJSDate(seededAt, { zone: CHEN_ZONE }).startOf('day').minus({ days: 14 });
  while (!isWeekday(day)) day = day.minus({ days: 1 });
  return day.set({ hour: 10 }).toJSDate();
}

const MINUTE = 60_000;

/** Aisha's visit: 10 minutes after the seed, on the minute. */
export function demoSoonVisitStart(seededAt: Date): Date {
  return new Date(Math.ceil((seededAt.getTime() + 10 * MINUTE) / MINUTE) * MINUTE);
}

/**
 * James's visits with Dr. Chen, relative to the seed time so a fresh start always shows a
 * coming one: a follow-up video visit a few days ahead (booked by James) and a completed
 * urgent care visit two weeks back (booked by the front desk). Aisha's video visit with Dr.
 * Okafor starts 10 minutes after the seed. Maria has none: the browser tests book hers. Inside the demo seed's transaction, which runs once.
 */
export async function seedDemoAppointments(
  tx: Pick<AppDatabase, 'insert'>,
  clinicId: string,
  idOf: (email: string) => string,
  visitTypeIds: DemoVisitTypeIds,
  seededAt: Date,
) {
  const james = idOf('james@demo-clinic.test');
  const visit = (
    slug: string,
    startsAt: Date,
    fields: { status: string; bookedBy: string; bookedAt: Date },
    people = { patient: james, provider: idOf('dr.chen@demo-clinic.test') },
  ) => {
    const type = demoVisitTypes.find((v) => v.slug === slug)!;
    const endsAt = new Date(startsAt.getTime() + type.durationMinutes * MINUTE);
    return {
      organizationId: clinicId,
      patientUserId: people.patient,
      providerUserId: people.provider,
      visitTypeId: visitTypeIds.get(slug)!,
      startsAt,
      endsAt,
      blockedFrom: startsAt,
      blockedUntil: new Date(endsAt.getTime() + (type.bufferAfterMinutes ?? 0) * MINUTE),
      // James's profile state (demo-chart.ts), where Dr. Chen (and Dr. Okafor) are licensed.
      patientState: 'CA',
      ...fields,
    };
  };
  const past = demoPastVisitStart(seededAt);
  await tx.insert(appointments).values([
    visit('follow-up-video-visit', demoUpcomingVisitStart(seededAt), {
      status: 'booked',
      bookedBy: james,
      bookedAt: seededAt,
    }),
    visit('urgent-care-video-visit', past, {
      status: 'completed',
      bookedBy: idOf('frontdesk@demo-clinic.test'),
      bookedAt: new Date(past.getTime() - 2 * 24 * 60 * MINUTE),
    }),
    // Aisha's visit with Dr. Okafor starts 10 minutes after the demo does: check-in is open
    // at once, so the waiting room and the call can be tried right away.
    visit(
      'urgent-care-video-visit',
      demoSoonVisitStart(seededAt),
      { status: 'booked', bookedBy: idOf('aisha@demo-clinic.test'), bookedAt: seededAt },
      { patient: idOf('aisha@demo-clinic.test'), provider: idOf('dr.okafor@demo-clinic.test') },
    ),
  ]);
}
