import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { users } from './users.js';

/*
 * Notifications (modules/notifications): what a person wants to be told by, numbers that
 * replied STOP, and which notice went out through which channel. Messages never hold
 * clinical detail (see platform/mail/mailer.ts), so none of these rows is PHI beyond the
 * fact that a person has an appointment.
 */

/** One row per person who changed the defaults (email on, SMS off). */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'restrict' }),
  emailEnabled: boolean().notNull().default(true),
  smsEnabled: boolean().notNull().default(false),
  /** E.164, e.g. +15551234567: where texts go when SMS is on. */
  smsNumber: text(),
  updatedAt: utcTimestamp().notNull().defaultNow(),
});

/**
 * Numbers that replied STOP (carrier rules: opt-out is per number, whoever owns it). No
 * text goes to a number listed here until it replies START.
 */
export const smsOptOuts = pgTable('sms_opt_outs', {
  phoneNumber: text().primaryKey(),
  /** The keyword received (STOP, UNSUBSCRIBE, ...). */
  keyword: text().notNull(),
  optedOutAt: utcTimestamp().notNull().defaultNow(),
});

/**
 * One row per notice per channel: the dedupe key makes a retried or duplicated job a
 * no-op once the notice went out. `sending` rows are re-tried; `sent` ones never are.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: id(),
    /** `<kind>:<subject id>:<channel>`, e.g. `reminder-24h:<appointment id>:email`. */
    dedupeKey: text().notNull(),
    recipientUserId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    /** confirmation | reminder-24h | reminder-1h | cancelled | ... */
    kind: text().notNull(),
    /** email | sms */
    channel: text().notNull(),
    /** The appointment (or other record) the notice is about. */
    subjectId: uuid().notNull(),
    /** sending | sent | failed */
    status: text().notNull(),
    /** Transport error code of the last failure; never an address or content. */
    errorCode: text(),
    createdAt: utcTimestamp().notNull().defaultNow(),
    sentAt: utcTimestamp(),
  },
  (t) => [
    uniqueIndex('notification_deliveries_dedupe_key').on(t.dedupeKey),
    index('notification_deliveries_subject_idx').on(t.subjectId),
  ],
);

/**
 * Texts the development SMS sender "sent" (platform/sms/outbox-sms.ts), as mail_outbox is
 * for email: production sends through Twilio and leaves it empty.
 */
export const smsOutbox = pgTable(
  'sms_outbox',
  {
    id: id(),
    sequence: bigserial({ mode: 'number' }).notNull(),
    toNumber: text().notNull(),
    body: text().notNull(),
    category: text().notNull(),
    createdAt: utcTimestamp()
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [index('sms_outbox_to_number_idx').on(t.toNumber, t.createdAt)],
);
