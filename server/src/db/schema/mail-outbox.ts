import { sql } from 'drizzle-orm';
import { bigserial, index, pgTable, text } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';

/**
 * Emails the development mailer "sent" (platform/mail/outbox-mailer.ts): with no SMTP server
 * configured, messages land here so a developer or a test can read them. Owned by the
 * platform mail piece; no module reads it directly. Rows hold sign-in links and codes, so
 * production deployments send through SMTP (SMTP_URL) and leave this table empty.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: id(),
    /** Insertion order: timestamps can tie (PGlite's clock is coarse), this cannot. */
    sequence: bigserial({ mode: 'number' }).notNull(),
    toAddress: text().notNull(),
    subject: text().notNull(),
    textBody: text().notNull(),
    htmlBody: text(),
    /** A fixed slug such as `password-reset`; see OutgoingMail.category. */
    category: text().notNull(),
    /** The text/calendar part (an .ics invitation or cancellation), when there is one. */
    calendarIcs: text(),
    // clock_timestamp(), not now(): now() is fixed for a whole transaction, so two emails
    // sent in one transaction would tie and "newest first" would be arbitrary.
    createdAt: utcTimestamp()
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  // Addresses compare case-insensitively, as users.email does.
  (t) => [index('mail_outbox_to_address_idx').on(sql`lower(${t.toAddress})`, t.createdAt)],
);
