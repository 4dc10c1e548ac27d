/**
 * What services use to send email. They receive a `Mailer` in their dependencies and never
 * know whether it is SMTP (production) or the database outbox (development and tests).
 *
 * Product rule — emails never carry clinical detail. Email is not a secure channel: it is
 * stored unencrypted by mail providers, forwarded, and read on shared devices, so under
 * HIPAA's minimum-necessary rule a message says only that something needs the reader's
 * attention ("You have a new message from your care team", "Your visit starts in 15
 * minutes") and links into the portal, where the person signs in to see the detail. No
 * diagnoses, medications, visit reasons, notes, results or message text; not even the name
 * of a provider's specialty when it would reveal a condition. The same rule makes the
 * outbox table and the SMTP logs safe to keep.
 */
export interface Mailer {
  /** Resolves once the message is accepted for delivery; rejects with a `MailError`. */
  send(message: OutgoingMail): Promise<void>;
}

export interface OutgoingMail {
  /** One recipient, a bare address (`maria@example.org`). */
  to: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * What kind of email this is (`verify-email`, `password-reset`, `invite`,
   * `security-notice`): a fixed slug for metrics and tests, never patient data.
   */
  category: string;
  /**
   * An iCalendar invitation (`REQUEST`) or cancellation (`CANCEL`) sent as the message's
   * text/calendar part, so mail clients offer "add to calendar" or remove the event. `ics`
   * is a whole VCALENDAR whose METHOD equals `method`. The same minimum-necessary rule
   * applies to it: who, when and a link, nothing clinical.
   */
  calendar?: OutgoingCalendar;
}

export interface OutgoingCalendar {
  method: 'REQUEST' | 'CANCEL';
  ics: string;
}

/** A mailer the process owns: main.ts closes it during shutdown. */
export interface MailTransport extends Mailer {
  readonly kind: 'smtp' | 'outbox';
  close(): Promise<void>;
}

export type MailErrorCode = 'invalid-message' | 'invalid-config' | 'delivery-failed' | 'closed';

/**
 * The only error a mailer rejects with. Its message and properties name the failure (an
 * SMTP reply code, a socket error code) and never the recipient, subject or body: errors
 * end up in logs, and an address next to a category such as `password-reset` is already
 * more than a log line should hold.
 */
export class MailError extends Error {
  constructor(
    readonly code: MailErrorCode,
    message: string,
    /** Transport detail safe to log: nodemailer's error code, the SMTP command and reply code. */
    readonly transport: { code?: string; command?: string; responseCode?: number } = {},
  ) {
    super(message);
    this.name = 'MailError';
  }
}

// A single plain address: no display name, no list, no whitespace or line breaks (which
// could smuggle extra headers or recipients).
const SINGLE_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+\.[^\s@<>,;:"()[\]\\]+$/;
const CATEGORY = /^[a-z][a-z0-9-]{0,62}$/;
const LINE_BREAK = /[\r\n]/;

/**
 * Rejects a message no transport should accept, the same way for SMTP and the outbox so a
 * test on the outbox catches what production would refuse. The error never echoes a value.
 */
export function assertValidMail(message: OutgoingMail): void {
  const problem = findProblem(message);
  if (problem) throw new MailError('invalid-message', `Invalid email: ${problem}`);
}

function findProblem(message: OutgoingMail): string | undefined {
  if (!SINGLE_ADDRESS.test(message.to)) return 'to must be a single plain email address';
  if (!message.subject.trim() || LINE_BREAK.test(message.subject)) {
    return 'subject must be one non-empty line';
  }
  if (!message.text.trim()) return 'text must not be empty';
  if (!CATEGORY.test(message.category)) {
    return 'category must be a lowercase slug such as password-reset';
  }
  if (message.calendar !== undefined) return findCalendarProblem(message.calendar);
  return undefined;
}

const CALENDAR_METHODS: readonly string[] = ['REQUEST', 'CANCEL'];
/** An invitation is a few hundred bytes; anything near this is not one of ours. */
const MAX_CALENDAR_BYTES = 64 * 1024;

function findCalendarProblem(calendar: OutgoingCalendar): string | undefined {
  if (!CALENDAR_METHODS.includes(calendar.method)) {
    return 'calendar method must be REQUEST or CANCEL';
  }
  const { ics } = calendar;
  if (typeof ics !== 'string' || !/^BEGIN:VCALENDAR\r?\n/.test(ics)) {
    return 'calendar ics must start with BEGIN:VCALENDAR';
  }
  if (Buffer.byteLength(ics, 'utf8') > MAX_CALENDAR_BYTES) return 'calendar ics is too large';
  // Calendar clients act on the METHOD inside the file and mail clients on the one in the
  // Content-Type; if they disagreed, one would add the event the other meant to remove.
  const methods = [...ics.matchAll(/^METHOD:([^\r\n]*)\r?$/gm)].map((match) => match[1]);
  if (methods.length !== 1 || methods[0] !== calendar.method) {
    return 'calendar ics must hold exactly one METHOD, equal to calendar method';
  }
  return undefined;
}
