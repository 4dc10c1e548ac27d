import { DateTime } from 'luxon';
import type { OutgoingCalendar } from '../../platform/mail/mailer.js';

/**
 * The words and calendar files of appointment notices: confirmation, reminders and
 * cancellation, by email (with an .ics invitation) and SMS. Pure functions of `NoticeFacts`;
 * the notifier gathers the facts and sends the result.
 *
 * HIPAA minimum necessary (see platform/mail/mailer.ts): email and SMS are not secure
 * channels and are read on lock screens and shared devices, so a notice says who, when and
 * where to sign in, nothing more. `NoticeFacts` has no field for the visit type, reason,
 * specialty or notes on purpose: what a function cannot receive it cannot leak. Subjects
 * (the part a lock screen shows) leave out even the provider's name.
 */

export type NoticeKind = 'confirmation' | 'reminder-24h' | 'reminder-1h' | 'cancelled';

export type NoticeCategory =
  'appointment-confirmation' | 'appointment-reminder' | 'appointment-cancelled';

export interface NoticeFacts {
  kind: NoticeKind;
  appointmentId: string;
  /** Bumps on every change of this appointment's invite; 0 for confirmation/reminders, 1 for cancelled. */
  sequence: number;
  startsAt: Date;
  endsAt: Date;
  modality: 'video' | 'phone';
  /** Greeting only. */
  patientFirstName: string;
  /** E.g. "Dr. Mei Chen". */
  providerDisplayName: string;
  clinicName: string;
  /** The patient's IANA zone: every time is shown as the patient's clock reads it. */
  timeZone: string;
  /** E.g. `${publicUrl}/patient/visits`. */
  signInUrl: string;
  /** E.g. `${publicUrl}/patient/visits/<id>`. */
  joinUrl: string;
  /** The From address, for the ics ORGANIZER; `Name <address>` is accepted too. */
  organizerEmail: string;
  /** Only read for the email's ics; SMS-only notices may leave it empty. */
  attendeeEmail: string;
  /**
   * When the notice is composed, for the ics DTSTAMP; defaults to now. Pass the notifier's
   * clock so tests with an injected clock get reproducible files.
   */
  issuedAt?: Date;
}

export interface AppointmentEmail {
  subject: string;
  text: string;
  html: string;
  category: NoticeCategory;
  calendar?: OutgoingCalendar;
}

export interface AppointmentSms {
  body: string;
  category: NoticeCategory;
}

const CATEGORY: Record<NoticeKind, NoticeCategory> = {
  confirmation: 'appointment-confirmation',
  'reminder-24h': 'appointment-reminder',
  'reminder-1h': 'appointment-reminder',
  cancelled: 'appointment-cancelled',
};

// ---------------------------------------------------------------------------------------
// Email

/** A paragraph, or a sentence ending in a link; rendered once as text and once as HTML. */
type Block = { text: string } | { lead: string; url: string };

export function appointmentEmail(f: NoticeFacts): AppointmentEmail {
  const n = describe(f);
  const what = `${n.visit} with ${n.provider} at ${n.clinic}`;
  const blocks: Block[] = [{ text: n.patient ? `Hi ${n.patient},` : 'Hello,' }];
  let subject: string;
  let calendar: OutgoingCalendar | undefined;

  switch (f.kind) {
    case 'confirmation':
      subject = `Your ${n.visit} is confirmed for ${n.shortDay} at ${n.time}`;
      blocks.push({ text: `Your ${what} is confirmed for ${n.when}.` });
      if (f.modality === 'video') blocks.push({ lead: 'Join the visit:', url: n.joinUrl });
      blocks.push({ lead: 'To see, reschedule or cancel your visit, sign in:', url: n.signInUrl });
      blocks.push({ text: 'A calendar invitation is attached.' });
      calendar = { method: 'REQUEST', ics: appointmentIcs(f, 'REQUEST') };
      break;
    case 'reminder-24h':
      subject = `Reminder: your ${n.visit} on ${n.shortDay} at ${n.time}`;
      blocks.push({ text: `This is a reminder of your ${what} on ${n.when}.` });
      if (f.modality === 'video') blocks.push({ lead: 'Join the visit:', url: n.joinUrl });
      blocks.push({ lead: 'To see, reschedule or cancel your visit, sign in:', url: n.signInUrl });
      break;
    case 'reminder-1h':
      subject = `Your ${n.visit} starts soon, at ${n.time}`;
      blocks.push({ text: `Your ${what} starts soon: ${n.when}.` });
      if (f.modality === 'video') blocks.push({ lead: 'Join the visit:', url: n.joinUrl });
      blocks.push({ lead: 'To see your visit, sign in:', url: n.signInUrl });
      break;
    case 'cancelled':
      subject = `Your ${n.visit} on ${n.shortDay} at ${n.time} is cancelled`;
      blocks.push({ text: `Your ${what} on ${n.when} has been cancelled.` });
      blocks.push({ lead: 'To book another time, sign in:', url: n.signInUrl });
      calendar = { method: 'CANCEL', ics: appointmentIcs(f, 'CANCEL') };
      break;
  }
  blocks.push({ text: n.clinic });

  return {
    subject,
    text: blocks.map(blockText).join('\n\n') + '\n',
    html: blocksHtml(blocks),
    category: CATEGORY[f.kind],
    ...(calendar ? { calendar } : {}),
  };
}

const blockText = (block: Block) => ('url' in block ? `${block.lead} ${block.url}` : block.text);

function blocksHtml(blocks: Block[]): string {
  const paragraphs = blocks.map((block) =>
    'url' in block
      ? // The link shows its own address, as the text part does: a patient can see where it goes.
        `<p>${escapeHtml(block.lead)} <a href="${escapeHtml(block.url)}">${escapeHtml(block.url)}</a></p>`
      : `<p>${escapeHtml(block.text)}</p>`,
  );
  return `<!doctype html>\n<html lang="en"><body>\n${paragraphs.join('\n')}\n</body></html>\n`;
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// ---------------------------------------------------------------------------------------
// SMS

/** Two concatenated GSM-7 segments hold 306 characters; past 320 carriers split further. */
export const SMS_MAX_LENGTH = 320;
const SMS_OPT_OUT = 'Reply STOP to opt out.';

export function appointmentSms(f: NoticeFacts): AppointmentSms {
  const n = describe(f);
  // Long names are shortened before anything else goes: the time and the link must survive.
  const attempts = [
    { clinic: n.clinic, provider: n.provider },
    { clinic: shorten(n.clinic, 30), provider: shorten(n.provider, 40) },
    { clinic: shorten(n.clinic, 20), provider: undefined },
  ];
  let body = '';
  for (const names of attempts) {
    body = smsBody(f, n, names.clinic, names.provider);
    if (body.length <= SMS_MAX_LENGTH) break;
  }
  return { body, category: CATEGORY[f.kind] };
}

// Plain ASCII and line breaks only: one non-GSM character (an em dash, a curly quote) turns
// the whole message into UCS-2 and halves a segment to 70 characters. A link goes on a line
// of its own so no phone's link detection swallows a trailing period.
function smsBody(
  f: NoticeFacts,
  n: Described,
  clinic: string,
  provider: string | undefined,
): string {
  const withWhom = provider ? ` with ${provider}` : '';
  const at = `${n.smsDay}, ${n.time}`;
  const link =
    f.kind === 'cancelled'
      ? `Book again: ${n.signInUrl}`
      : f.modality === 'video'
        ? `Join: ${n.joinUrl}`
        : `Details: ${n.signInUrl}`;
  let sentence: string;
  switch (f.kind) {
    case 'confirmation':
      sentence = `${n.visit}${withWhom} confirmed for ${at}.`;
      break;
    case 'reminder-24h':
      sentence = `reminder - ${n.visit}${withWhom} on ${at}.`;
      break;
    case 'reminder-1h':
      sentence = `your ${n.visit}${withWhom} starts soon, at ${n.time}.`;
      break;
    case 'cancelled':
      sentence = `your ${n.visit}${withWhom} on ${at} is cancelled.`;
      break;
  }
  return `${clinic}: ${sentence}\n${link}\n${SMS_OPT_OUT}`;
}

function shorten(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 3).trimEnd()}...`;
}

// ---------------------------------------------------------------------------------------
// iCalendar (RFC 5545, iTIP methods from RFC 5546)

/*
 * Written by hand rather than with the `ics` package: ics 3.12 folds lines every 75
 * characters, not 75 octets, so a provider named "Dr. Nguyễn Thị Minh Khai" yields lines
 * longer than RFC 5545 §3.1 allows, and it writes a quote inside a parameter value as \"
 * where the RFC forbids any DQUOTE (RFC 6868 encodes it as ^'). Our event has a dozen fixed
 * properties; owning the dozen lines is simpler than patching the package's output.
 */

const UID_DOMAIN = 'openvisit';

export function appointmentIcs(f: NoticeFacts, method: 'REQUEST' | 'CANCEL'): string {
  if (method !== 'REQUEST' && method !== 'CANCEL')
    throw new Error('ics method must be REQUEST or CANCEL');
  if (!Number.isSafeInteger(f.sequence) || f.sequence < 0) {
    throw new Error('ics sequence must be a non-negative integer');
  }
  const n = describe(f);
  // Checked here, not in describe(): an SMS-only patient may have no email address at all.
  const organizerEmail = bareAddress(f.organizerEmail, 'organizerEmail');
  const attendeeEmail = bareAddress(f.attendeeEmail, 'attendeeEmail');
  const cancelled = method === 'CANCEL';
  const video = f.modality === 'video';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//OpenVisit//Appointments//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    // The UID ties the invitation, any update and the cancellation to one calendar entry;
    // SEQUENCE tells the client which of them is newest.
    `UID:${icsText(`${f.appointmentId}@${UID_DOMAIN}`)}`,
    `SEQUENCE:${f.sequence}`,
    `DTSTAMP:${icsUtc(f.issuedAt ?? new Date())}`,
    // UTC, so no VTIMEZONE is needed: each calendar shows it in its owner's zone.
    `DTSTART:${icsUtc(f.startsAt)}`,
    `DTEND:${icsUtc(f.endsAt)}`,
    `SUMMARY:${icsText(`${capitalize(n.visit)} with ${n.provider}`)}`,
    `DESCRIPTION:${icsText(
      cancelled
        ? `This visit is cancelled. To book another time, sign in: ${n.signInUrl}`
        : `To see, reschedule or cancel your visit, sign in: ${n.signInUrl}`,
    )}`,
    // The join link is where a video visit happens; a cancelled visit has nowhere to join.
    ...(video && !cancelled ? [`LOCATION:${icsText(n.joinUrl)}`, `URL:${n.joinUrl}`] : []),
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    // Calendars shared with family or coworkers show a private event as "busy" only.
    'CLASS:PRIVATE',
    `ORGANIZER;CN=${icsParam(n.clinic)}:mailto:${organizerEmail}`,
    // The patient booked it (or staff did with them), and nothing reads replies sent to the
    // no-reply organizer: changes go through the portal, so ask for no RSVP.
    `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:${attendeeEmail}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

function icsUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** A TEXT value (RFC 5545 §3.3.11). */
function icsText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** A quoted parameter value: no DQUOTE or control character may appear (RFC 6868 escapes). */
function icsParam(value: string): string {
  return `"${value.replace(/\^/g, '^^').replace(/"/g, "^'")}"`;
}

/** Folds a content line into pieces of at most 75 octets, never inside a UTF-8 character. */
function foldLine(line: string): string {
  const pieces: string[] = [];
  let piece = '';
  let octets = 0;
  let limit = 75;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      pieces.push(piece);
      piece = '';
      octets = 0;
      limit = 74; // the continuation line's leading space is one of its 75 octets
    }
    piece += char;
    octets += size;
  }
  pieces.push(piece);
  return pieces.join('\r\n ');
}

// ---------------------------------------------------------------------------------------
// Shared pieces

interface Described {
  visit: 'video visit' | 'phone visit';
  patient: string;
  provider: string;
  clinic: string;
  /** "Tuesday, March 10, 2026 at 9:00 AM CDT" */
  when: string;
  /** "Tue, Mar 10" */
  shortDay: string;
  /** "Tue Mar 10" */
  smsDay: string;
  /** "9:00 AM CDT" */
  time: string;
  signInUrl: string;
  joinUrl: string;
}

function describe(f: NoticeFacts): Described {
  if (!(f.startsAt instanceof Date) || Number.isNaN(f.startsAt.getTime())) {
    throw new Error('startsAt must be a valid date');
  }
  if (!(f.endsAt instanceof Date) || !(f.endsAt.getTime() > f.startsAt.getTime())) {
    throw new Error('endsAt must be a valid date after startsAt');
  }
  let start = DateTime.fromJSDate(f.startsAt, { zone: f.timeZone }).setLocale('en-US');
  // A zone the platform cannot resolve should never happen (zones are validated on save);
  // if it does, a reminder with a correct time labelled UTC beats no reminder at all.
  if (!start.isValid) start = DateTime.fromJSDate(f.startsAt, { zone: 'UTC' }).setLocale('en-US');
  return {
    visit: f.modality === 'video' ? 'video visit' : 'phone visit',
    patient: oneLine(f.patientFirstName),
    provider: oneLine(f.providerDisplayName),
    clinic: oneLine(f.clinicName),
    // ZZZZ is the zone's abbreviation in en-US ("CDT", "EST", "PDT"); it is what tells
    // 1:30 AM EDT from 1:30 AM EST on the night clocks fall back.
    when: start.toFormat("cccc, LLLL d, yyyy 'at' h:mm a ZZZZ"),
    shortDay: start.toFormat('ccc, LLL d'),
    smsDay: start.toFormat('ccc LLL d'),
    time: start.toFormat('h:mm a ZZZZ'),
    signInUrl: webUrl(f.signInUrl, 'signInUrl'),
    joinUrl: webUrl(f.joinUrl, 'joinUrl'),
  };
}

/** Names come from profiles people edit: no line breaks or control characters get through. */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

const capitalize = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

// Errors name the field, never the value: they may reach a log.
function webUrl(value: string, field: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f"<>]/.test(value) || !URL.canParse(value)) {
    throw new Error(`${field} must be an absolute http(s) URL`);
  }
  const { protocol } = new URL(value);
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new Error(`${field} must be an absolute http(s) URL`);
  }
  return value;
}

const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+\.[^\s@<>,;:"()[\]\\]+$/;

function bareAddress(value: string, field: string): string {
  const address = (/<([^<>]*)>\s*$/.exec(value)?.[1] ?? value).trim();
  if (!ADDRESS.test(address)) throw new Error(`${field} must be an email address`);
  return address;
}
