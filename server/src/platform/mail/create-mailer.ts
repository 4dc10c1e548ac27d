import type { AppDatabase } from '../../db/client.js';
import type { MailTransport } from './mailer.js';
import { createOutboxMailer } from './outbox-mailer.js';
import { createSmtpMailer } from './smtp-mailer.js';

export interface MailSettings {
  /** From config `SMTP_URL`: `smtp://user:pass@host:587` or `smtps://user:pass@host:465`. */
  smtpUrl?: string | undefined;
  /** From config `MAIL_FROM`: the From header, e.g. `OpenVisit <no-reply@clinic.example>`. */
  from: string;
  /** Where the outbox mailer stores messages when no SMTP server is configured. */
  db: AppDatabase;
}

/**
 * The mailer main.ts builds once and hands to services: SMTP when `SMTP_URL` is set,
 * otherwise the database outbox (the development default, so `npm start` needs no mail
 * server). The caller owns the result and closes it during shutdown.
 */
export function createMailer(settings: MailSettings): MailTransport {
  return settings.smtpUrl
    ? createSmtpMailer({ url: settings.smtpUrl, from: settings.from })
    : createOutboxMailer(settings.db);
}
