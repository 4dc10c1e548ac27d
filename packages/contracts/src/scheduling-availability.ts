import { z } from 'zod';
import { consentKindSchema } from './consents.js';
import { intakeSlugSchema } from './intake.js';
import { timeZoneSchema, usStateSchema } from './patients.js';

/*
 * Scheduling, the bookable side: visit types, providers' weekly hours and exceptions, and
 * the slot search. Times of day are wall-clock times in the provider's zone; instants are
 * ISO 8601 (UTC on the way out). Booking itself is in appointments.ts.
 */

export const visitModalities = ['video', 'phone'] as const;
export const visitModalitySchema = z.enum(visitModalities);
export type VisitModality = (typeof visitModalities)[number];

const slugSchema = z
  .string()
  .min(2)
  .max(60)
  .regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and single hyphens')
  .refine(
    (s) => !s.startsWith('-') && !s.endsWith('-') && !s.includes('--'),
    'lowercase letters, digits and single hyphens',
  );

/** "Urgent care video visit" -> "urgent-care-video-visit". */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

const minutes = (min: number, max: number, what: string) =>
  z
    .number({ message: `Enter the ${what} in minutes.` })
    .int(`Enter the ${what} in whole minutes.`)
    .min(min, `The ${what} is at least ${min} minutes.`)
    .max(max, `The ${what} is at most ${max} minutes.`);

const visitTypeFields = {
  name: z.string().trim().min(2, 'Enter a name.').max(120),
  description: z
    .string()
    .trim()
    .max(1000, 'Keep it under 1,000 characters.')
    .nullish()
    .transform((v) => v || null),
  durationMinutes: minutes(5, 480, 'duration'),
  bufferBeforeMinutes: minutes(0, 120, 'buffer before').default(0),
  bufferAfterMinutes: minutes(0, 120, 'buffer after').default(0),
  modality: visitModalitySchema,
  /** In cents (USD); 0 when free or billed to insurance. */
  priceCents: z
    .number()
    .int('Enter the price in whole cents.')
    .min(0, 'The price cannot be negative.')
    .max(10_000_000),
  /** The intake questionnaire the patient fills after booking (its current version). */
  intakeFormSlug: intakeSlugSchema.nullish().transform((v) => v ?? null),
  /** Consent kinds the patient must have signed (current version) before booking. */
  requiredConsentKinds: z
    .array(consentKindSchema)
    .max(3)
    .transform((kinds) => [...new Set(kinds)]),
  /** Cancelling or moving later than this before the start is a late cancellation. */
  cancellationWindowHours: z.number().int().min(0).max(168, 'At most 168 hours (a week).'),
};

export const visitTypeCreateSchema = z.object({
  ...visitTypeFields,
  /** Stable identifier within the clinic; derived from the name when not given. */
  slug: slugSchema.optional(),
});
export type VisitTypeCreate = z.input<typeof visitTypeCreateSchema>;

/** Replaces a visit type's settings; `active: false` retires it (visit types are never deleted). */
export const visitTypeUpdateSchema = z.object({
  ...visitTypeFields,
  active: z.boolean(),
});
export type VisitTypeUpdate = z.input<typeof visitTypeUpdateSchema>;

export const visitTypeSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  durationMinutes: z.number().int(),
  bufferBeforeMinutes: z.number().int(),
  bufferAfterMinutes: z.number().int(),
  modality: visitModalitySchema,
  priceCents: z.number().int(),
  currency: z.string(),
  intakeFormSlug: z.string().nullable(),
  requiredConsentKinds: z.array(consentKindSchema),
  cancellationWindowHours: z.number().int(),
  active: z.boolean(),
});
export type VisitType = z.infer<typeof visitTypeSchema>;

export const visitTypeListQuerySchema = z.object({
  /** Admins only: include retired visit types. */
  includeInactive: z.stringbool().default(false),
});
export const visitTypeListSchema = z.object({ visitTypes: z.array(visitTypeSchema) });
export type VisitTypeList = z.infer<typeof visitTypeListSchema>;

/** 'HH:MM', 00:00 to 24:00 (24:00 only as an end: the end of the day). */
const WALL_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const wallTimeSchema = z.string().regex(WALL_TIME, 'Enter a time as HH:MM (24-hour clock).');

export const weekdays = [0, 1, 2, 3, 4, 5, 6] as const;
export const weekdayNames = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;

/** Weekly recurring hours: `weekday` 0 = Sunday … 6 = Saturday, in the provider's zone. */
export const weeklyRuleSchema = z.object({
  weekday: z.number().int().min(0).max(6),
  startTime: wallTimeSchema,
  endTime: wallTimeSchema,
});
export type WeeklyRule = z.infer<typeof weeklyRuleSchema>;

const scheduleSettingsFields = {
  timeZone: timeZoneSchema,
  /** No booking closer to the start than this (up to a week). */
  minimumNoticeMinutes: z.number().int().min(0).max(10_080),
  /** No booking further ahead than this. */
  bookingHorizonDays: z.number().int().min(1).max(365),
};

/**
 * A provider's schedule as a whole: settings and the complete set of weekly rules (the set
 * replaces the previous one). Rules of one weekday may not overlap; a rule ends after it
 * starts (hours past midnight are a second rule on the next weekday, from 00:00).
 */
export const providerScheduleUpdateSchema = z
  .object({
    ...scheduleSettingsFields,
    rules: z.array(weeklyRuleSchema).max(100),
  })
  .superRefine((value, ctx) => {
    // Zod runs this even when fields failed: judge only the rules that are well-formed.
    const rules = (Array.isArray(value.rules) ? value.rules : [])
      .map((rule, index) => ({ ...rule, index }))
      .filter(
        (r) =>
          Number.isInteger(r.weekday) &&
          r.weekday >= 0 &&
          r.weekday <= 6 &&
          WALL_TIME.test(r.startTime) &&
          WALL_TIME.test(r.endTime),
      );
    rules.forEach((rule) => {
      const { index } = rule;
      if (rule.startTime === '24:00') {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'startTime'],
          message: 'A rule cannot start at 24:00; for midnight use 00:00.',
        });
      } else if (rule.endTime <= rule.startTime) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'endTime'],
          message: 'The end must be after the start (split hours past midnight into two rules).',
        });
      }
    });
    const sorted = rules
      .filter((rule) => rule.startTime < rule.endTime)
      .sort((a, b) => a.weekday - b.weekday || a.startTime.localeCompare(b.startTime));
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1]!;
      const rule = sorted[i]!;
      if (rule.weekday === previous.weekday && rule.startTime < previous.endTime) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', rule.index, 'startTime'],
          message: `Overlaps ${previous.startTime}–${previous.endTime} on ${weekdayNames[rule.weekday]}.`,
        });
      }
    }
  });
export type ProviderScheduleUpdate = z.input<typeof providerScheduleUpdateSchema>;

export const providerScheduleSchema = z.object({
  providerId: z.uuid(),
  /** False until the schedule is first saved: the settings shown are defaults, no rules. */
  configured: z.boolean(),
  ...scheduleSettingsFields,
  timeZone: z.string(),
  rules: z.array(weeklyRuleSchema),
});
export type ProviderSchedule = z.infer<typeof providerScheduleSchema>;

export const availabilityExceptionKinds = ['time-off', 'extra-hours'] as const;
export const availabilityExceptionKindSchema = z.enum(availabilityExceptionKinds);

const instantSchema = z.iso.datetime({ offset: true, message: 'Enter an ISO 8601 date and time.' });
const MAX_EXCEPTION_DAYS = 366;

/** Time off removes the span from the weekly hours; extra hours add it (they win over time off). */
export const availabilityExceptionCreateSchema = z
  .object({
    kind: availabilityExceptionKindSchema,
    startsAt: instantSchema,
    endsAt: instantSchema,
    note: z
      .string()
      .trim()
      .max(200, 'Keep the note under 200 characters.')
      .nullish()
      .transform((v) => v || null),
  })
  .superRefine((value, ctx) => {
    const start = Date.parse(value.startsAt);
    const end = Date.parse(value.endsAt);
    if (end <= start) {
      ctx.addIssue({
        code: 'custom',
        path: ['endsAt'],
        message: 'The end must be after the start.',
      });
    } else if (end - start > MAX_EXCEPTION_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['endsAt'],
        message: `An exception spans at most ${MAX_EXCEPTION_DAYS} days.`,
      });
    }
  });
export type AvailabilityExceptionCreate = z.input<typeof availabilityExceptionCreateSchema>;

export const availabilityExceptionSchema = z.object({
  id: z.uuid(),
  kind: availabilityExceptionKindSchema,
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  note: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type AvailabilityException = z.infer<typeof availabilityExceptionSchema>;

export const availabilityExceptionListQuerySchema = z
  .object({ from: instantSchema.optional(), to: instantSchema.optional() })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from), {
    path: ['to'],
    message: '`to` must be after `from`.',
  });
export const availabilityExceptionListSchema = z.object({
  exceptions: z.array(availabilityExceptionSchema),
});

/** The longest window one slot search covers. */
export const MAX_SLOT_SEARCH_DAYS = 31;

/** A `from`/`to` query window: `to` after `from`, at most `maxDays` long. */
export const timeWindow =
  (maxDays: number, verb: string) => (q: { from: string; to: string }, ctx: z.RefinementCtx) => {
    const span = Date.parse(q.to) - Date.parse(q.from);
    if (span <= 0) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` must be after `from`.' });
    } else if (span > maxDays * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `${verb} at most ${maxDays} days at a time.`,
      });
    }
  };

export const slotSearchQuerySchema = z
  .object({
    visitTypeId: z.uuid(),
    from: instantSchema,
    to: instantSchema,
    /** Where the patient is: only providers licensed there now (patients default to their own). */
    state: usStateSchema.optional(),
    /** A BCP 47 tag; matches on the primary language (es matches es-MX). */
    language: z.string().trim().min(2).max(35).optional(),
    specialty: z.string().trim().min(1).max(80).optional(),
    providerId: z.uuid().optional(),
  })
  .superRefine(timeWindow(MAX_SLOT_SEARCH_DAYS, 'Search'));
export type SlotSearchQuery = z.input<typeof slotSearchQuerySchema>;

export const slotSearchResultSchema = z.object({
  /** Providers with at least one bookable start, the earliest first. */
  providers: z.array(
    z.object({
      providerId: z.uuid(),
      displayName: z.string(),
      /** The provider's zone (the patient's own zone is for display, in the browser). */
      timeZone: z.string(),
      /** Bookable start instants, UTC, ascending. */
      slots: z.array(z.iso.datetime()),
    }),
  ),
});
export type SlotSearchResult = z.infer<typeof slotSearchResultSchema>;
