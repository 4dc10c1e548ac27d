import { desc, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { mailOutbox } from '../../db/schema/mail-outbox.js';
import { assertValidMail, type MailTransport, type OutgoingMail } from './mailer.js';

export type OutboxMessage = typeof mailOutbox.$inferSelect;

/**
 * The development mailer: every message is stored in `mail_outbox` instead of being sent,
 * so `npm start` works with no mail server and tests read what a person would have
 * received. Validation is the same as the SMTP mailer's.
 */
export function createOutboxMailer(db: AppDatabase): MailTransport {
  return {
    kind: 'outbox',
    async send(message: OutgoingMail) {
      assertValidMail(message);
      await db.insert(mailOutbox).values({
        toAddress: message.to,
        subject: message.subject,
        textBody: message.text,
        htmlBody: message.html ?? null,
        category: message.category,
        // The METHOD line inside says whether it is an invitation or a cancellation.
        calendarIcs: message.calendar?.ics ?? null,
      });
    },
    async close() {},
  };
}

export const OUTBOX_DEFAULT_LIMIT = 50;
export const OUTBOX_MAX_LIMIT = 500;

/**
 * Outbox messages, newest first; only those to `to` (compared case-insensitively) when
 * given. For tests and the development "outbox" page.
 */
export async function listOutbox(
  db: AppDatabase,
  options: { to?: string; limit?: number } = {},
): Promise<OutboxMessage[]> {
  return db
    .select()
    .from(mailOutbox)
    .where(
      options.to === undefined
        ? undefined
        : // lower() on both sides, as the users_email_key index does, so the two agree.
          sql`lower(${mailOutbox.toAddress}) = lower(${options.to})`,
    )
    .orderBy(desc(mailOutbox.sequence))
    .limit(clampLimit(options.limit));
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return OUTBOX_DEFAULT_LIMIT;
  return Math.min(Math.max(Math.trunc(limit), 1), OUTBOX_MAX_LIMIT);
}
