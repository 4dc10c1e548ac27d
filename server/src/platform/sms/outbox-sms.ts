import { desc, eq } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { smsOutbox } from '../../db/schema/notifications.js';
import { assertValidSms, type OutgoingSms, type SmsTransport } from './sms.js';

export type OutboxSms = typeof smsOutbox.$inferSelect;

/**
 * The development SMS sender: every text is stored in `sms_outbox` instead of being sent,
 * so `npm start` works with no Twilio account and tests read what a person would have
 * received. Validation is the same as the Twilio sender's.
 */
export function createOutboxSms(db: AppDatabase): SmsTransport {
  return {
    kind: 'outbox',
    async send(message: OutgoingSms) {
      assertValidSms(message);
      await db.insert(smsOutbox).values({
        toNumber: message.to,
        body: message.body,
        category: message.category,
      });
    },
    async close() {},
  };
}

export const SMS_OUTBOX_DEFAULT_LIMIT = 50;
export const SMS_OUTBOX_MAX_LIMIT = 500;

/**
 * Outbox texts, newest first; only those to `to` (an E.164 number, compared exactly) when
 * given. For tests and development.
 */
export async function listSmsOutbox(
  db: AppDatabase,
  options: { to?: string; limit?: number } = {},
): Promise<OutboxSms[]> {
  return db
    .select()
    .from(smsOutbox)
    .where(options.to === undefined ? undefined : eq(smsOutbox.toNumber, options.to))
    .orderBy(desc(smsOutbox.sequence))
    .limit(clampLimit(options.limit));
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return SMS_OUTBOX_DEFAULT_LIMIT;
  return Math.min(Math.max(Math.trunc(limit), 1), SMS_OUTBOX_MAX_LIMIT);
}
