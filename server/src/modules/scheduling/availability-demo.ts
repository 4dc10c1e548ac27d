import type { WeeklyRule } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { availabilityRules, providerScheduleSettings, visitTypes } from '../../db/schema/index.js';

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
) {
  await tx
    .insert(visitTypes)
    .values(demoVisitTypes.map((v) => ({ organizationId: clinicId, ...v })));
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
}
