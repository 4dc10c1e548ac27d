import { z } from 'zod';

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const e164Pattern = /^\+[1-9]\d{7,14}$/;

/**
 * A phone number as people type it ("+1 (555) 123-4567", "555.123.4567") in E.164 form
 * (`+15551234567`), or undefined when it cannot be one. Spaces, dots, dashes and
 * parentheses go; ten digits without a country code are a US number (OpenVisit serves US
 * clinics), and so are eleven starting with 1.
 */
export function normalizePhoneNumber(input: string): string | undefined {
  const compact = input.trim().replace(/[\s().-]/g, '');
  const withCountry = /^\d{10}$/.test(compact)
    ? `+1${compact}`
    : /^1\d{10}$/.test(compact)
      ? `+${compact}`
      : compact;
  return e164Pattern.test(withCountry) ? withCountry : undefined;
}

/** How a person wants to hear about their visits (GET/PUT /api/me/notification-preferences). */
export const notificationPreferencesSchema = z.object({
  emailEnabled: z.boolean(),
  smsEnabled: z.boolean(),
  /** E.164, e.g. +15551234567; null when no number is saved. */
  smsNumber: z.string().nullable(),
  /**
   * The saved number replied STOP: no text goes to it, whatever the settings say, until it
   * texts START to the clinic's number.
   */
  smsOptedOut: z.boolean(),
});
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;

export const notificationPreferencesUpdateSchema = z.object({
  emailEnabled: z.boolean(),
  smsEnabled: z.boolean(),
  /** As typed; the server normalises it (see normalizePhoneNumber). Empty or null: none. */
  smsNumber: z.string().max(40, 'Enter a phone number.').nullable(),
});
export type NotificationPreferencesUpdate = z.infer<typeof notificationPreferencesUpdateSchema>;
