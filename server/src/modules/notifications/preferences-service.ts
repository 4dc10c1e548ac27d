import { eq, sql } from 'drizzle-orm';
import { normalizePhoneNumber } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { notificationPreferences } from '../../db/schema/notifications.js';
import { AppError } from '../../platform/errors.js';
import { createSmsOptOuts } from './sms-opt-outs.js';

/** How a person wants to hear about their visits. */
export interface NotificationChoice {
  emailEnabled: boolean;
  smsEnabled: boolean;
  /** E.164, e.g. +15551234567. */
  smsNumber: string | null;
}

export interface NotificationPreferencesService {
  /** The person's choice; email on, texts off and no number until they change it. */
  get(userId: string): Promise<NotificationChoice>;
  /**
   * Saves the person's choice. The number may be typed loosely ("+1 555 123 4567"); it is
   * stored in E.164. Turning texts on needs a valid number (400) that has not replied
   * STOP (409 `sms-opted-out`).
   */
  update(userId: string, choice: NotificationChoice): Promise<NotificationChoice>;
}

export const DEFAULT_NOTIFICATION_CHOICE: Readonly<NotificationChoice> = {
  emailEnabled: true,
  smsEnabled: false,
  smsNumber: null,
};

const numberField = 'body.smsNumber';

/**
 * People's notification settings (one row per person who changed the defaults). The
 * appointment notifier reads them; only the person changes them, or a STOP reply turns
 * texts off (sms-opt-outs.ts).
 */
export function createNotificationPreferences(db: AppDatabase): NotificationPreferencesService {
  const optOuts = createSmsOptOuts(db);

  return {
    async get(userId) {
      const [row] = await db
        .select({
          emailEnabled: notificationPreferences.emailEnabled,
          smsEnabled: notificationPreferences.smsEnabled,
          smsNumber: notificationPreferences.smsNumber,
        })
        .from(notificationPreferences)
        .where(eq(notificationPreferences.userId, userId));
      return row ?? { ...DEFAULT_NOTIFICATION_CHOICE };
    },

    async update(userId, choice) {
      const typed = choice.smsNumber?.trim() ?? '';
      const smsNumber = typed ? normalizePhoneNumber(typed) : null;
      if (smsNumber === undefined) {
        throw new AppError('validation', 'The mobile number is not valid.', [
          {
            path: numberField,
            message: 'Enter a mobile number with its country code, e.g. +1 555 123 4567.',
          },
        ]);
      }
      if (choice.smsEnabled && smsNumber === null) {
        throw new AppError('validation', 'Text messages need a mobile number.', [
          { path: numberField, message: 'Enter the mobile number texts should go to.' },
        ]);
      }
      // The carrier already blocks texts to a number that replied STOP; saying so here
      // beats a setting that silently does nothing.
      if (choice.smsEnabled && smsNumber && (await optOuts.isOptedOut(smsNumber))) {
        throw new AppError(
          'sms-opted-out',
          'This number replied STOP to our texts. Text START to the number our texts come from, then turn text messages on again.',
          [
            {
              path: numberField,
              message:
                'This number replied STOP. Text START to the clinic’s texting number first, then try again.',
            },
          ],
        );
      }
      const values = {
        emailEnabled: choice.emailEnabled,
        smsEnabled: choice.smsEnabled,
        smsNumber,
      };
      const [saved] = await db
        .insert(notificationPreferences)
        .values({ userId, ...values })
        .onConflictDoUpdate({
          target: notificationPreferences.userId,
          set: { ...values, updatedAt: sql`now()` },
        })
        .returning({
          emailEnabled: notificationPreferences.emailEnabled,
          smsEnabled: notificationPreferences.smsEnabled,
          smsNumber: notificationPreferences.smsNumber,
        });
      return saved!;
    },
  };
}
