import type { AppDatabase } from '../../db/client.js';
import { createOutboxSms } from './outbox-sms.js';
import type { SmsTransport } from './sms.js';
import { createTwilioSms } from './twilio-sms.js';

export interface SmsSettings {
  /** From config `TWILIO_*` (config.sms.twilio); undefined when Twilio is not configured. */
  twilio?:
    | { accountSid: string; authToken: string; from: string; apiUrl?: string | undefined }
    | undefined;
  /** Where the outbox sender stores texts when Twilio is not configured. */
  db: AppDatabase;
}

/**
 * The SMS sender the process builds once and hands to services: Twilio when configured,
 * otherwise the database outbox (the development default, so `npm start` needs no Twilio
 * account). The caller owns the result and closes it during shutdown.
 */
export function createSms(settings: SmsSettings): SmsTransport {
  return settings.twilio ? createTwilioSms(settings.twilio) : createOutboxSms(settings.db);
}
