import { and, eq, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { notificationPreferences, smsOptOuts } from '../../db/schema/notifications.js';

export interface SmsOptOuts {
  /** True when `phone` (E.164) replied STOP and has not replied START since. */
  isOptedOut(phone: string): Promise<boolean>;
  /**
   * Records that `phone` replied `keyword` (STOP, UNSUBSCRIBE, ...) and turns texts off for
   * everyone whose settings send them there. Returns those people's ids (for the audit
   * trail); repeating it changes nothing more.
   */
  optOut(phone: string, keyword: string): Promise<string[]>;
  /**
   * `phone` replied START: texts may go to it again. Nobody's settings change: a person
   * whose texts were turned off turns them back on themselves.
   */
  optIn(phone: string): Promise<void>;
}

/**
 * Numbers that replied STOP. Carrier rules make an opt-out belong to the number, not to an
 * account: whoever owns the phone said stop, so it holds for every account that uses it,
 * and a sender must check it at send time, whatever anyone's settings say.
 */
export function createSmsOptOuts(db: AppDatabase): SmsOptOuts {
  return {
    async isOptedOut(phone) {
      const [row] = await db
        .select({ phone: smsOptOuts.phoneNumber })
        .from(smsOptOuts)
        .where(eq(smsOptOuts.phoneNumber, phone))
        .limit(1);
      return row !== undefined;
    },

    async optOut(phone, keyword) {
      return db.transaction(async (tx) => {
        await tx
          .insert(smsOptOuts)
          .values({ phoneNumber: phone, keyword })
          // A second STOP keeps the first one's time: that is when texts had to stop.
          .onConflictDoNothing({ target: smsOptOuts.phoneNumber });
        const switchedOff = await tx
          .update(notificationPreferences)
          .set({ smsEnabled: false, updatedAt: sql`now()` })
          .where(
            and(
              eq(notificationPreferences.smsNumber, phone),
              eq(notificationPreferences.smsEnabled, true),
            ),
          )
          .returning({ userId: notificationPreferences.userId });
        return switchedOff.map((row) => row.userId);
      });
    },

    async optIn(phone) {
      await db.delete(smsOptOuts).where(eq(smsOptOuts.phoneNumber, phone));
    },
  };
}
