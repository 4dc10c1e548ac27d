import { randomBytes } from 'node:crypto';
import type { WeeklyRule } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import {
  availabilityExceptions,
  availabilityRules,
  providerScheduleSettings,
  visitTypes,
} from '../../db/schema/index.js';

/** A visit type of the clinic's own (tests and the authorization matrix). */
export async function makeVisitType(
  db: AppDatabase,
  clinicId: string,
  overrides: Partial<typeof visitTypes.$inferInsert> = {},
) {
  const [row] = await db
    .insert(visitTypes)
    .values({
      organizationId: clinicId,
      slug: `visit-${randomBytes(4).toString('hex')}`,
      name: 'Test video visit',
      durationMinutes: 30,
      modality: 'video',
      requiredConsentKinds: [],
      ...overrides,
    })
    .returning();
  return row!;
}

/** A provider's schedule: settings and weekly hours (Mon-Fri 09:00-17:00 by default). */
export async function makeSchedule(
  db: AppDatabase,
  clinicId: string,
  providerId: string,
  settings: Partial<{
    timeZone: string;
    minimumNoticeMinutes: number;
    bookingHorizonDays: number;
  }> = {},
  rules: WeeklyRule[] = [1, 2, 3, 4, 5].map((weekday) => ({
    weekday,
    startTime: '09:00',
    endTime: '17:00',
  })),
) {
  await db.insert(providerScheduleSettings).values({
    organizationId: clinicId,
    providerUserId: providerId,
    timeZone: 'America/New_York',
    minimumNoticeMinutes: 0,
    bookingHorizonDays: 365,
    ...settings,
  });
  if (rules.length) {
    await db
      .insert(availabilityRules)
      .values(rules.map((r) => ({ organizationId: clinicId, providerUserId: providerId, ...r })));
  }
}

/** Time off in a provider's schedule; returns its id. */
export async function makeTimeOff(
  db: AppDatabase,
  clinicId: string,
  providerId: string,
  createdBy: string,
  span = { startsAt: new Date('2099-01-01T00:00:00Z'), endsAt: new Date('2099-01-02T00:00:00Z') },
) {
  const [row] = await db
    .insert(availabilityExceptions)
    .values({
      organizationId: clinicId,
      providerUserId: providerId,
      kind: 'time-off',
      ...span,
      createdBy,
    })
    .returning({ id: availabilityExceptions.id });
  return row!.id;
}
