/**
 * What services use to send text messages. They receive an `SmsSender` in their
 * dependencies and never know whether it is Twilio (production) or the database outbox
 * (development and tests).
 *
 * Product rule — texts never carry clinical detail. SMS is less private than email: it is
 * unencrypted between carriers, kept by the phone company, shown on lock screens and read
 * on shared family phones. Under HIPAA's minimum-necessary rule a text says only who and
 * when ("Reminder: your video visit with OpenVisit Clinic is tomorrow at 9:30 AM") and
 * links into the portal, where the person signs in to see the detail. No diagnoses,
 * medications, visit reasons, notes, results or message text; not even the name of a
 * provider's specialty when it would reveal a condition. The same rule makes the outbox
 * table and Twilio's message log safe to keep.
 */
export interface SmsSender {
  /** Resolves once the provider accepted the text for delivery; rejects with an `SmsError`. */
  send(message: OutgoingSms): Promise<void>;
}

export interface OutgoingSms {
  /** One recipient in E.164 form, e.g. `+15551234567`. */
  to: string;
  body: string;
  /**
   * What kind of text this is (`appointment-reminder`, `appointment-cancelled`): a fixed
   * slug for metrics and tests, never patient data.
   */
  category: string;
}

/** A sender the process owns: it is closed during shutdown. */
export interface SmsTransport extends SmsSender {
  readonly kind: 'twilio' | 'outbox';
  close(): Promise<void>;
}

export type SmsErrorCode = 'invalid-message' | 'invalid-config' | 'delivery-failed' | 'closed';

/**
 * The only error an SMS sender rejects with. Its message and properties name the failure
 * (Twilio's error code, the HTTP status, a network error code) and never the number or the
 * text: errors end up in logs, and a phone number next to a category such as
 * `appointment-reminder` already says more than a log line should.
 */
export class SmsError extends Error {
  constructor(
    readonly code: SmsErrorCode,
    message: string,
    /** Provider detail safe to log: Twilio's numeric error code, the HTTP status, errno. */
    readonly transport: { errorCode?: number; status?: number; networkCode?: string } = {},
  ) {
    super(message);
    this.name = 'SmsError';
  }
}

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{7,14}$/;
/** Three GSM segments; longer texts cost more and arrive out of order on some phones. */
export const SMS_MAX_LENGTH = 480;
const CATEGORY = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Rejects a text no transport should accept, the same way for Twilio and the outbox so a
 * test on the outbox catches what production would refuse. The error never echoes a value.
 */
export function assertValidSms(message: OutgoingSms): void {
  const problem = findProblem(message);
  if (problem) throw new SmsError('invalid-message', `Invalid text message: ${problem}`);
}

function findProblem(message: OutgoingSms): string | undefined {
  if (typeof message.to !== 'string' || !E164.test(message.to)) {
    return 'to must be one number in E.164 form such as +15551234567';
  }
  if (typeof message.body !== 'string' || !message.body.trim()) return 'body must not be empty';
  if (message.body.length > SMS_MAX_LENGTH) {
    return `body must be at most ${SMS_MAX_LENGTH} characters`;
  }
  if (typeof message.category !== 'string' || !CATEGORY.test(message.category)) {
    return 'category must be a lowercase slug such as appointment-reminder';
  }
  return undefined;
}
