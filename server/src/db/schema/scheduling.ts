import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  smallint,
  text,
  time,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { id, timestamps, utcTimestamp } from './columns.js';
import { clinic, person } from './reference-columns.js';
import { users } from './users.js';

/*
 * Scheduling. Times of day (availability) are wall-clock times in the provider's zone;
 * instants (appointments, exceptions) are timestamptz in UTC. No provider can hold two
 * overlapping booked appointments: an exclusion constraint in the database guarantees it
 * (hand-written migration: drizzle-kit does not model exclusion constraints).
 */

/** What can be booked: "Urgent care video visit, 20 min". */
export const visitTypes = pgTable(
  'visit_types',
  {
    id: id(),
    organizationId: clinic(),
    slug: text().notNull(),
    name: text().notNull(),
    description: text(),
    durationMinutes: integer().notNull(),
    bufferBeforeMinutes: integer().notNull().default(0),
    bufferAfterMinutes: integer().notNull().default(0),
    /** video | phone */
    modality: text().notNull(),
    /** In cents; 0 when free or billed to insurance. */
    priceCents: integer().notNull().default(0),
    currency: text().notNull().default('USD'),
    /** The intake questionnaire the patient fills after booking (by slug: current version). */
    intakeFormSlug: text(),
    /** Consent kinds that must be signed (current version) before booking. */
    requiredConsentKinds: text()
      .array()
      .notNull()
      .default(sql`'{telehealth,privacy-notice}'::text[]`),
    /** Cancelling or rescheduling later than this before the start is a late cancellation. */
    cancellationWindowHours: integer().notNull().default(24),
    active: boolean().notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('visit_types_slug_key').on(t.organizationId, t.slug),
    check('visit_types_duration_check', sql`${t.durationMinutes} between 5 and 480`),
    check(
      'visit_types_buffers_check',
      sql`${t.bufferBeforeMinutes} between 0 and 120 and ${t.bufferAfterMinutes} between 0 and 120`,
    ),
  ],
);

/** A provider's scheduling settings: their zone, notice and horizon. */
export const providerScheduleSettings = pgTable(
  'provider_schedule_settings',
  {
    id: id(),
    organizationId: clinic(),
    providerUserId: person(),
    /** IANA zone the weekly hours are in. */
    timeZone: text().notNull(),
    /** No booking closer to the start than this. */
    minimumNoticeMinutes: integer().notNull().default(120),
    /** No booking further ahead than this. */
    bookingHorizonDays: integer().notNull().default(60),
    ...timestamps(),
  },
  (t) => [uniqueIndex('provider_schedule_settings_key').on(t.organizationId, t.providerUserId)],
);

/** Weekly recurring hours, in the provider's zone (0 = Sunday … 6 = Saturday). */
export const availabilityRules = pgTable(
  'availability_rules',
  {
    id: id(),
    organizationId: clinic(),
    providerUserId: person(),
    weekday: smallint().notNull(),
    startTime: time().notNull(),
    endTime: time().notNull(),
    createdAt: utcTimestamp().notNull().defaultNow(),
  },
  (t) => [
    index('availability_rules_provider_idx').on(t.organizationId, t.providerUserId),
    check('availability_rules_weekday_check', sql`${t.weekday} between 0 and 6`),
    check('availability_rules_order_check', sql`${t.endTime} > ${t.startTime}`),
  ],
);

/**
 * Date-specific changes, as instants: `time-off` removes the span from the weekly hours,
 * `extra-hours` adds it (a date override is time off for the day plus extra hours).
 */
export const availabilityExceptions = pgTable(
  'availability_exceptions',
  {
    id: id(),
    organizationId: clinic(),
    providerUserId: person(),
    /** time-off | extra-hours */
    kind: text().notNull(),
    startsAt: utcTimestamp().notNull(),
    endsAt: utcTimestamp().notNull(),
    note: text(),
    createdBy: person(),
    createdAt: utcTimestamp().notNull().defaultNow(),
    /** Removed exceptions stay (who removed what, when); the slot engine ignores them. */
    deletedAt: utcTimestamp(),
    deletedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
  },
  (t) => [
    index('availability_exceptions_provider_idx').on(
      t.organizationId,
      t.providerUserId,
      t.startsAt,
    ),
    check('availability_exceptions_order_check', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/**
 * A booked visit. `blockedFrom`/`blockedUntil` include the visit type's buffers: that span
 * is what may not overlap another booked appointment of the same provider (or patient).
 */
export const appointments = pgTable(
  'appointments',
  {
    id: id(),
    organizationId: clinic(),
    patientUserId: person(),
    providerUserId: person(),
    visitTypeId: uuid()
      .notNull()
      .references(() => visitTypes.id, { onDelete: 'restrict' }),
    startsAt: utcTimestamp().notNull(),
    endsAt: utcTimestamp().notNull(),
    blockedFrom: utcTimestamp().notNull(),
    blockedUntil: utcTimestamp().notNull(),
    /** booked | cancelled | completed | no-show */
    status: text().notNull().default('booked'),
    /** The patient's state when booked: the licensing rule was checked against it. */
    patientState: text().notNull(),
    bookedBy: person(),
    bookedAt: utcTimestamp().notNull().defaultNow(),
    cancelledAt: utcTimestamp(),
    cancelledBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
    cancelReason: text(),
    /** Cancelled (or moved) inside the visit type's cancellation window. */
    lateCancellation: boolean().notNull().default(false),
    /** The appointment this one replaced, when it was rescheduled. */
    rescheduledFromId: uuid(),
    updatedAt: utcTimestamp()
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    index('appointments_provider_idx').on(t.organizationId, t.providerUserId, t.startsAt),
    index('appointments_patient_idx').on(t.organizationId, t.patientUserId, t.startsAt),
    check('appointments_order_check', sql`${t.endsAt} > ${t.startsAt}`),
    check(
      'appointments_block_check',
      sql`${t.blockedFrom} <= ${t.startsAt} and ${t.blockedUntil} >= ${t.endsAt}`,
    ),
  ],
);
