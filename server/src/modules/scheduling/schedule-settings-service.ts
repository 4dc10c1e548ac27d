import { and, asc, eq, gt, inArray, isNull, lt } from 'drizzle-orm';
import type {
  AvailabilityException,
  ProviderSchedule,
  WeeklyRule,
  availabilityExceptionCreateSchema,
  providerScheduleUpdateSchema,
} from '@openvisit/contracts';
import type { z } from 'zod';
import type { AppDatabase } from '../../db/client.js';
import {
  availabilityExceptions,
  availabilityRules,
  providerScheduleSettings,
} from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import type { ScheduleException } from './slot-engine.js';

type ScheduleUpdate = z.output<typeof providerScheduleUpdateSchema>;
type ExceptionCreate = z.output<typeof availabilityExceptionCreateSchema>;
type ExceptionRow = typeof availabilityExceptions.$inferSelect;

/** The zone on the provider's profile, if any (the providers module answers). */
export type ProfileZone = (clinicId: string, providerId: string) => Promise<string | null>;

export interface ScheduleSettingsDeps {
  db: AppDatabase;
  clock: Clock;
  directory: PeopleDirectory;
  profileZone: ProfileZone;
}

/** Until a schedule is saved: the columns' defaults, in the profile's zone (else UTC). */
const DEFAULTS = { minimumNoticeMinutes: 120, bookingHorizonDays: 60 };

/** What the slot engine needs about one provider. */
export interface ProviderAvailability {
  providerId: string;
  timeZone: string;
  minimumNoticeMinutes: number;
  bookingHorizonDays: number;
  rules: WeeklyRule[];
  exceptions: ScheduleException[];
}

/** PostgreSQL's `time` answers 'HH:MM:SS' (24:00:00 included); the API speaks 'HH:MM'. */
const hhmm = (time: string) => time.slice(0, 5);
const ruleView = (r: { weekday: number; startTime: string; endTime: string }): WeeklyRule => ({
  weekday: r.weekday,
  startTime: hhmm(r.startTime),
  endTime: hhmm(r.endTime),
});
const byWeekdayAndStart = (a: WeeklyRule, b: WeeklyRule) =>
  a.weekday - b.weekday || a.startTime.localeCompare(b.startTime);

const exceptionView = (row: ExceptionRow): AvailabilityException => ({
  id: row.id,
  kind: row.kind as AvailabilityException['kind'],
  startsAt: row.startsAt.toISOString(),
  endsAt: row.endsAt.toISOString(),
  note: row.note,
  createdAt: row.createdAt.toISOString(),
});

/**
 * Providers' schedules: settings (zone, notice, horizon), weekly hours and exceptions. This
 * service owns those three tables.
 */
export function createScheduleSettingsService(deps: ScheduleSettingsDeps) {
  const { db, clock, directory, profileZone } = deps;

  async function assertProvider(clinicId: string, providerId: string) {
    const [provider] = await directory.withRole(clinicId, 'provider', { ids: [providerId] });
    if (!provider) throw new AppError('not-found', 'No provider with this id at this clinic.');
    return provider;
  }

  const ofProvider = <T extends typeof availabilityRules | typeof availabilityExceptions>(
    table: T,
    clinicId: string,
    providerId: string,
  ) => and(eq(table.organizationId, clinicId), eq(table.providerUserId, providerId));

  async function get(clinicId: string, providerId: string): Promise<ProviderSchedule> {
    await assertProvider(clinicId, providerId);
    const [[settings], rules] = await Promise.all([
      db
        .select()
        .from(providerScheduleSettings)
        .where(
          and(
            eq(providerScheduleSettings.organizationId, clinicId),
            eq(providerScheduleSettings.providerUserId, providerId),
          ),
        ),
      db
        .select()
        .from(availabilityRules)
        .where(ofProvider(availabilityRules, clinicId, providerId)),
    ]);
    return {
      providerId,
      configured: settings !== undefined,
      timeZone: settings?.timeZone ?? (await profileZone(clinicId, providerId)) ?? 'UTC',
      minimumNoticeMinutes: settings?.minimumNoticeMinutes ?? DEFAULTS.minimumNoticeMinutes,
      bookingHorizonDays: settings?.bookingHorizonDays ?? DEFAULTS.bookingHorizonDays,
      rules: rules.map(ruleView).sort(byWeekdayAndStart),
    };
  }

  return {
    get,

    /** Saves the settings and replaces the whole set of weekly rules, atomically. */
    async replace(clinicId: string, providerId: string, input: ScheduleUpdate) {
      await assertProvider(clinicId, providerId);
      const now = clock.now();
      const settings = {
        timeZone: input.timeZone,
        minimumNoticeMinutes: input.minimumNoticeMinutes,
        bookingHorizonDays: input.bookingHorizonDays,
        updatedAt: now,
      };
      await db.transaction(async (tx) => {
        // The settings row first: its lock queues a simultaneous save behind this one, so
        // two saves cannot interleave their rule sets into one overlapping set.
        await tx
          .insert(providerScheduleSettings)
          .values({
            organizationId: clinicId,
            providerUserId: providerId,
            createdAt: now,
            ...settings,
          })
          .onConflictDoUpdate({
            target: [
              providerScheduleSettings.organizationId,
              providerScheduleSettings.providerUserId,
            ],
            set: settings,
          });
        await tx
          .delete(availabilityRules)
          .where(ofProvider(availabilityRules, clinicId, providerId));
        if (input.rules.length) {
          await tx.insert(availabilityRules).values(
            input.rules.map((rule) => ({
              organizationId: clinicId,
              providerUserId: providerId,
              ...rule,
              createdAt: now,
            })),
          );
        }
      });
      return get(clinicId, providerId);
    },

    /** Exceptions overlapping [from, to); by default those not yet over. */
    async exceptions(
      clinicId: string,
      providerId: string,
      window: { from?: string | undefined; to?: string | undefined },
    ): Promise<AvailabilityException[]> {
      await assertProvider(clinicId, providerId);
      const from = window.from ? new Date(window.from) : clock.now();
      const rows = await db
        .select()
        .from(availabilityExceptions)
        .where(
          and(
            ofProvider(availabilityExceptions, clinicId, providerId),
            isNull(availabilityExceptions.deletedAt),
            gt(availabilityExceptions.endsAt, from),
            window.to ? lt(availabilityExceptions.startsAt, new Date(window.to)) : undefined,
          ),
        )
        .orderBy(asc(availabilityExceptions.startsAt), asc(availabilityExceptions.id))
        .limit(500);
      return rows.map(exceptionView);
    },

    async addException(
      clinicId: string,
      providerId: string,
      input: ExceptionCreate,
      by: string,
    ): Promise<AvailabilityException> {
      await assertProvider(clinicId, providerId);
      const [created] = await db
        .insert(availabilityExceptions)
        .values({
          organizationId: clinicId,
          providerUserId: providerId,
          kind: input.kind,
          startsAt: new Date(input.startsAt),
          endsAt: new Date(input.endsAt),
          note: input.note,
          createdBy: by,
          createdAt: clock.now(),
        })
        .returning();
      return exceptionView(created!);
    },

    /**
     * Removes an exception: the row stays, marked with when and by whom (the schedule's
     * history), and every read leaves it out. Removing it again changes nothing and answers
     * the same, so a retried click is harmless; an id that was never this provider's is 404.
     */
    async removeException(clinicId: string, providerId: string, exceptionId: string, by: string) {
      const ofThisProvider = and(
        ofProvider(availabilityExceptions, clinicId, providerId),
        eq(availabilityExceptions.id, exceptionId),
      );
      // Only a live row is marked: the first removal's time and person are the ones kept.
      const removed = await db
        .update(availabilityExceptions)
        .set({ deletedAt: clock.now(), deletedBy: by })
        .where(and(ofThisProvider, isNull(availabilityExceptions.deletedAt)))
        .returning({ id: availabilityExceptions.id });
      if (removed.length) return;
      const [earlier] = await db
        .select({ id: availabilityExceptions.id })
        .from(availabilityExceptions)
        .where(ofThisProvider);
      if (!earlier) {
        throw new AppError('not-found', 'No exception with this id in this provider’s schedule.');
      }
    },

    /**
     * Everything the slot engine needs for these providers around [from, to), in three
     * queries whatever their number. Providers who never saved a schedule are left out:
     * they offer no hours yet.
     */
    async availability(
      clinicId: string,
      providerIds: string[],
      from: Date,
      to: Date,
    ): Promise<Map<string, ProviderAvailability>> {
      if (!providerIds.length) return new Map();
      const [settings, rules, exceptions] = await Promise.all([
        db
          .select()
          .from(providerScheduleSettings)
          .where(
            and(
              eq(providerScheduleSettings.organizationId, clinicId),
              inArray(providerScheduleSettings.providerUserId, providerIds),
            ),
          ),
        db
          .select()
          .from(availabilityRules)
          .where(
            and(
              eq(availabilityRules.organizationId, clinicId),
              inArray(availabilityRules.providerUserId, providerIds),
            ),
          ),
        db
          .select()
          .from(availabilityExceptions)
          .where(
            and(
              eq(availabilityExceptions.organizationId, clinicId),
              inArray(availabilityExceptions.providerUserId, providerIds),
              isNull(availabilityExceptions.deletedAt),
              gt(availabilityExceptions.endsAt, from),
              lt(availabilityExceptions.startsAt, to),
            ),
          ),
      ]);
      const result = new Map<string, ProviderAvailability>();
      for (const s of settings) {
        result.set(s.providerUserId, {
          providerId: s.providerUserId,
          timeZone: s.timeZone,
          minimumNoticeMinutes: s.minimumNoticeMinutes,
          bookingHorizonDays: s.bookingHorizonDays,
          rules: [],
          exceptions: [],
        });
      }
      for (const r of rules) result.get(r.providerUserId)?.rules.push(ruleView(r));
      for (const e of exceptions) {
        result.get(e.providerUserId)?.exceptions.push({
          kind: e.kind as ScheduleException['kind'],
          startsAt: e.startsAt,
          endsAt: e.endsAt,
        });
      }
      return result;
    },
  };
}

export type ScheduleSettingsService = ReturnType<typeof createScheduleSettingsService>;
