import { describe, expect, expectTypeOf, it } from 'vitest';
import { assertValidMail } from '../../platform/mail/mailer.js';
import {
  appointmentEmail,
  appointmentIcs,
  appointmentSms,
  SMS_MAX_LENGTH,
  type NoticeFacts,
  type NoticeKind,
} from './appointment-messages.js';

const appointmentId = '0b6f3c1e-6a55-4c1f-9a43-2f7d1c8e9b10';
const signInUrl = 'https://clinic.example/patient/visits';
const joinUrl = `${signInUrl}/${appointmentId}`;

/** A 30-minute video visit at 9:00 AM in Chicago (14:00 UTC) for a patient in Chicago. */
const makeFacts = (overrides: Partial<NoticeFacts> = {}): NoticeFacts => ({
  kind: 'confirmation',
  appointmentId,
  sequence: 0,
  startsAt: new Date('2026-03-10T14:00:00Z'),
  endsAt: new Date('2026-03-10T14:30:00Z'),
  modality: 'video',
  patientFirstName: 'Maria',
  providerDisplayName: 'Dr. Mei Chen',
  clinicName: 'Riverside Clinic',
  timeZone: 'America/Chicago',
  signInUrl,
  joinUrl,
  organizerEmail: 'OpenVisit <no-reply@clinic.example>',
  attendeeEmail: 'maria@example.org',
  issuedAt: new Date('2026-03-01T12:00:00Z'),
  ...overrides,
});

const kinds: NoticeKind[] = ['confirmation', 'reminder-24h', 'reminder-1h', 'cancelled'];
const factsFor = (kind: NoticeKind, overrides: Partial<NoticeFacts> = {}) =>
  makeFacts({ kind, sequence: kind === 'cancelled' ? 1 : 0, ...overrides });

/** The content lines of an .ics file, folded lines joined back (RFC 5545 §3.1). */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '').split('\r\n');
const property = (ics: string, name: string) =>
  unfold(ics).filter((line) => line.startsWith(`${name}:`) || line.startsWith(`${name};`));

/** What a reader of the HTML part sees: paragraphs as text, entities decoded. */
function htmlAsText(html: string): string {
  const paragraphs = [...html.matchAll(/<p>(.*?)<\/p>/g)].map((match) =>
    match[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
  return paragraphs.join('\n\n') + '\n';
}

describe('appointment email', () => {
  it('confirms a video visit with who, when, the join link and an invitation', () => {
    const email = appointmentEmail(factsFor('confirmation'));

    expect(email.category).toBe('appointment-confirmation');
    expect(email.subject).toBe('Your video visit is confirmed for Tue, Mar 10 at 9:00 AM CDT');
    expect(email.text).toBe(
      [
        'Hi Maria,',
        'Your video visit with Dr. Mei Chen at Riverside Clinic is confirmed for Tuesday, March 10, 2026 at 9:00 AM CDT.',
        `Join the visit: ${joinUrl}`,
        `To see, reschedule or cancel your visit, sign in: ${signInUrl}`,
        'A calendar invitation is attached.',
        'Riverside Clinic',
      ].join('\n\n') + '\n',
    );
    expect(email.calendar?.method).toBe('REQUEST');
    expect(email.calendar?.ics).toContain(`UID:${appointmentId}@openvisit`);
  });

  it('reminds a day before with the full date and the join link, and no invitation', () => {
    const email = appointmentEmail(factsFor('reminder-24h'));

    expect(email.category).toBe('appointment-reminder');
    expect(email.subject).toBe('Reminder: your video visit on Tue, Mar 10 at 9:00 AM CDT');
    expect(email.text).toBe(
      [
        'Hi Maria,',
        'This is a reminder of your video visit with Dr. Mei Chen at Riverside Clinic on Tuesday, March 10, 2026 at 9:00 AM CDT.',
        `Join the visit: ${joinUrl}`,
        `To see, reschedule or cancel your visit, sign in: ${signInUrl}`,
        'Riverside Clinic',
      ].join('\n\n') + '\n',
    );
    expect(email.calendar).toBeUndefined();
  });

  it('reminds an hour before with the time and the join link, and no invitation', () => {
    const email = appointmentEmail(factsFor('reminder-1h'));

    expect(email.category).toBe('appointment-reminder');
    expect(email.subject).toBe('Your video visit starts soon, at 9:00 AM CDT');
    expect(email.text).toBe(
      [
        'Hi Maria,',
        'Your video visit with Dr. Mei Chen at Riverside Clinic starts soon: Tuesday, March 10, 2026 at 9:00 AM CDT.',
        `Join the visit: ${joinUrl}`,
        `To see your visit, sign in: ${signInUrl}`,
        'Riverside Clinic',
      ].join('\n\n') + '\n',
    );
    expect(email.calendar).toBeUndefined();
  });

  it('says a cancelled visit is cancelled, how to book again, and cancels the invitation', () => {
    const email = appointmentEmail(factsFor('cancelled'));

    expect(email.category).toBe('appointment-cancelled');
    expect(email.subject).toBe('Your video visit on Tue, Mar 10 at 9:00 AM CDT is cancelled');
    expect(email.text).toBe(
      [
        'Hi Maria,',
        'Your video visit with Dr. Mei Chen at Riverside Clinic on Tuesday, March 10, 2026 at 9:00 AM CDT has been cancelled.',
        `To book another time, sign in: ${signInUrl}`,
        'Riverside Clinic',
      ].join('\n\n') + '\n',
    );
    expect(email.text).not.toContain(joinUrl);
    expect(email.calendar?.method).toBe('CANCEL');
    expect(email.calendar?.ics).toContain('STATUS:CANCELLED');
  });

  it('gives a phone visit no join link', () => {
    for (const kind of kinds) {
      const email = appointmentEmail(factsFor(kind, { modality: 'phone' }));
      expect(email.subject).toContain('phone visit');
      expect(email.text).toMatch(/\b[Yy]our phone visit with Dr. Mei Chen at Riverside Clinic\b/);
      expect(email.text).toContain(signInUrl);
      expect(email.text).not.toContain(joinUrl);
      expect(email.html).not.toContain(joinUrl);
      expect(email.text).not.toMatch(/video/i);
    }
  });

  it('greets without a name when there is none', () => {
    expect(appointmentEmail(makeFacts({ patientFirstName: '  ' })).text).toMatch(/^Hello,\n/);
  });

  it('is a message the mailer accepts, for every kind and modality', () => {
    for (const kind of kinds) {
      for (const modality of ['video', 'phone'] as const) {
        const email = appointmentEmail(factsFor(kind, { modality }));
        expect(() => assertValidMail({ to: 'maria@example.org', ...email })).not.toThrow();
      }
    }
  });

  it('escapes names in the HTML part and says the same as the text part', () => {
    const facts = factsFor('confirmation', {
      patientFirstName: 'Ana <b>',
      providerDisplayName: 'Dr. "Jo" <script>alert(1)</script> & Co',
      clinicName: "O'Brien & Sons <Clinic>",
    });
    for (const kind of kinds) {
      const email = appointmentEmail({ ...facts, kind });
      expect(email.html).not.toContain('<script>');
      expect(email.html).not.toContain('<b>');
      expect(email.html).not.toContain('<Clinic>');
      expect(email.html).toContain(
        'Dr. &quot;Jo&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co',
      );
      expect(email.html).toContain('O&#39;Brien &amp; Sons &lt;Clinic&gt;');
      // Plain text is not HTML: it keeps the characters as typed.
      expect(email.text).toContain('Dr. "Jo" <script>alert(1)</script> & Co');
      expect(htmlAsText(email.html)).toBe(email.text);
    }
  });

  it('keeps the html and text parts equivalent for every kind and modality', () => {
    for (const kind of kinds) {
      for (const modality of ['video', 'phone'] as const) {
        const email = appointmentEmail(factsFor(kind, { modality }));
        expect(htmlAsText(email.html)).toBe(email.text);
        for (const url of email.text.match(/https:\/\/\S+/g) ?? []) {
          expect(email.html).toContain(`<a href="${url}">${url}</a>`);
        }
      }
    }
  });

  it('keeps line breaks in names out of every part', () => {
    const email = appointmentEmail(
      makeFacts({ providerDisplayName: 'Dr. Mei\r\nChen', clinicName: 'Riverside\n\tClinic' }),
    );
    expect(email.text).toContain('Dr. Mei Chen at Riverside Clinic');
    expect(unfold(email.calendar!.ics)).toContain('SUMMARY:Video visit with Dr. Mei Chen');
    expect(appointmentSms(makeFacts({ providerDisplayName: 'Dr. Mei\nChen' })).body).toContain(
      'with Dr. Mei Chen confirmed',
    );
  });

  it('refuses links that are not http(s) without repeating them', () => {
    for (const bad of ['javascript:alert(1)', '/patient/visits', 'https://clinic.example/a b']) {
      expect(() => appointmentEmail(makeFacts({ signInUrl: bad }))).toThrow(
        /^signInUrl must be an absolute http\(s\) URL$/,
      );
      expect(() => appointmentSms(makeFacts({ joinUrl: bad }))).toThrow(/^joinUrl must be/);
    }
  });
});

describe('appointment times', () => {
  const when = (startsAt: string, timeZone: string) => {
    const start = new Date(startsAt);
    return appointmentEmail(
      makeFacts({ startsAt: start, endsAt: new Date(start.getTime() + 30 * 60_000), timeZone }),
    );
  };

  it('shows EDT after clocks spring forward on 2026-03-08 in New York', () => {
    expect(when('2026-03-08T06:30:00Z', 'America/New_York').text).toContain(
      'Sunday, March 8, 2026 at 1:30 AM EST.',
    );
    // 07:00 UTC is 2:00 AM EST, which does not exist: the clock reads 3:00 AM EDT.
    expect(when('2026-03-08T07:00:00Z', 'America/New_York').text).toContain(
      'Sunday, March 8, 2026 at 3:00 AM EDT.',
    );
    expect(when('2026-03-08T14:00:00Z', 'America/New_York').subject).toBe(
      'Your video visit is confirmed for Sun, Mar 8 at 10:00 AM EDT',
    );
  });

  it('shows EST after clocks fall back on 2026-11-01, telling the two 1:30 AMs apart', () => {
    expect(when('2026-11-01T05:30:00Z', 'America/New_York').text).toContain(
      'Sunday, November 1, 2026 at 1:30 AM EDT.',
    );
    expect(when('2026-11-01T06:30:00Z', 'America/New_York').text).toContain(
      'Sunday, November 1, 2026 at 1:30 AM EST.',
    );
    expect(when('2026-11-01T14:00:00Z', 'America/New_York').text).toContain(
      'Sunday, November 1, 2026 at 9:00 AM EST.',
    );
  });

  it("shows a patient in Los Angeles their own clock, not the provider's", () => {
    // Booked at 9:00 AM on a Chicago provider's calendar (14:00 UTC).
    const facts = factsFor('reminder-24h', { timeZone: 'America/Los_Angeles' });
    const email = appointmentEmail(facts);
    const sms = appointmentSms(facts);

    expect(email.text).toContain('on Tuesday, March 10, 2026 at 7:00 AM PDT.');
    expect(email.subject).toBe('Reminder: your video visit on Tue, Mar 10 at 7:00 AM PDT');
    expect(sms.body).toContain('on Tue Mar 10, 7:00 AM PDT.');
    for (const output of [email.subject, email.text, email.html, sms.body]) {
      expect(output).not.toMatch(/9:00|CDT|CST/);
    }
    // The calendar file is in UTC; each calendar shows it in its owner's zone.
    const ics = appointmentIcs({ ...facts, kind: 'confirmation' }, 'REQUEST');
    expect(property(ics, 'DTSTART')).toEqual(['DTSTART:20260310T140000Z']);
  });

  it('puts the date on the day it is in the patient zone', () => {
    // 03:30 UTC on March 11 is still the evening of March 10 in Los Angeles.
    expect(when('2026-03-11T03:30:00Z', 'America/Los_Angeles').text).toContain(
      'Tuesday, March 10, 2026 at 8:30 PM PDT.',
    );
    expect(when('2026-03-11T03:30:00Z', 'America/New_York').text).toContain(
      'Tuesday, March 10, 2026 at 11:30 PM EDT.',
    );
  });

  it('falls back to a labelled UTC time for a zone it cannot resolve', () => {
    expect(when('2026-03-10T14:00:00Z', 'Mars/Olympus_Mons').text).toContain(
      'Tuesday, March 10, 2026 at 2:00 PM UTC.',
    );
  });
});

describe('appointment SMS', () => {
  it('says who, when and the link for each kind of a video visit', () => {
    const bodies = Object.fromEntries(
      kinds.map((kind) => [kind, appointmentSms(factsFor(kind))] as const),
    );
    expect(bodies.confirmation).toEqual({
      category: 'appointment-confirmation',
      body: `Riverside Clinic: video visit with Dr. Mei Chen confirmed for Tue Mar 10, 9:00 AM CDT.\nJoin: ${joinUrl}\nReply STOP to opt out.`,
    });
    expect(bodies['reminder-24h']).toEqual({
      category: 'appointment-reminder',
      body: `Riverside Clinic: reminder - video visit with Dr. Mei Chen on Tue Mar 10, 9:00 AM CDT.\nJoin: ${joinUrl}\nReply STOP to opt out.`,
    });
    expect(bodies['reminder-1h']).toEqual({
      category: 'appointment-reminder',
      body: `Riverside Clinic: your video visit with Dr. Mei Chen starts soon, at 9:00 AM CDT.\nJoin: ${joinUrl}\nReply STOP to opt out.`,
    });
    expect(bodies.cancelled).toEqual({
      category: 'appointment-cancelled',
      body: `Riverside Clinic: your video visit with Dr. Mei Chen on Tue Mar 10, 9:00 AM CDT is cancelled.\nBook again: ${signInUrl}\nReply STOP to opt out.`,
    });
  });

  it('points a phone visit at the sign-in page', () => {
    expect(appointmentSms(factsFor('reminder-24h', { modality: 'phone' })).body).toBe(
      `Riverside Clinic: reminder - phone visit with Dr. Mei Chen on Tue Mar 10, 9:00 AM CDT.\nDetails: ${signInUrl}\nReply STOP to opt out.`,
    );
  });

  it('stays within two segments of plain GSM characters', () => {
    for (const kind of kinds) {
      for (const modality of ['video', 'phone'] as const) {
        const { body } = appointmentSms(factsFor(kind, { modality }));
        expect(body.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
        // Printable ASCII and line feeds: nothing that forces UCS-2 encoding.
        expect(body).toMatch(/^[\x20-\x7e\n]+$/);
      }
    }
  });

  it('shortens long names rather than the time or the link', () => {
    const facts = factsFor('reminder-24h', {
      clinicName: 'The Greater Metropolitan Regional Community Health and Wellness Partnership',
      providerDisplayName: `Dr. ${'Bartholomew-Featherstonehaugh '.repeat(6).trim()}, MD`,
      joinUrl: `https://telehealth.greater-metropolitan-community-health.example/patient/visits/${appointmentId}`,
    });
    for (const kind of kinds) {
      const { body } = appointmentSms({ ...facts, kind });
      expect(body.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
      expect(body).toContain('9:00 AM CDT');
      expect(body).toContain(kind === 'cancelled' ? signInUrl : facts.joinUrl);
      expect(body).toMatch(/Reply STOP to opt out\.$/);
    }
  });

  it('needs no email address', () => {
    expect(() => appointmentSms(factsFor('confirmation', { attendeeEmail: '' }))).not.toThrow();
  });
});

describe('no clinical detail', () => {
  it('has no field for the visit type, reason, specialty or notes', () => {
    // If someone adds such a field, this stops compiling and the reviewer sees why.
    expectTypeOf<keyof NoticeFacts>().toEqualTypeOf<
      | 'kind'
      | 'appointmentId'
      | 'sequence'
      | 'startsAt'
      | 'endsAt'
      | 'modality'
      | 'patientFirstName'
      | 'providerDisplayName'
      | 'clinicName'
      | 'timeZone'
      | 'signInUrl'
      | 'joinUrl'
      | 'organizerEmail'
      | 'attendeeEmail'
      | 'issuedAt'
    >();
  });

  it('never repeats clinical values even when a caller smuggles them in', () => {
    const smuggled = {
      visitTypeName: 'Diabetes follow-up',
      reason: 'chest-pain-canary',
      specialty: 'Oncology',
      notes: 'HIV-test-canary',
      diagnosis: 'canary-dx-E11.9',
    };
    const canaries = Object.values(smuggled);
    for (const kind of kinds) {
      for (const modality of ['video', 'phone'] as const) {
        const facts = { ...factsFor(kind, { modality }), ...smuggled } as NoticeFacts;
        const email = appointmentEmail(facts);
        const outputs = [
          email.subject,
          email.text,
          email.html,
          email.calendar?.ics ?? '',
          appointmentSms(facts).body,
          appointmentIcs(facts, 'REQUEST'),
          appointmentIcs(facts, 'CANCEL'),
        ];
        for (const output of outputs) {
          for (const canary of canaries) expect(output).not.toContain(canary);
          // The patient's first name is for the greeting of an email, nowhere else.
          if (output !== email.text && output !== email.html) {
            expect(output).not.toContain('Maria');
          }
        }
      }
    }
  });

  it('puts in the calendar event only who, when and the links', () => {
    const ics = appointmentIcs(makeFacts(), 'REQUEST');
    const names = unfold(ics)
      .filter((line) => line && !line.startsWith('BEGIN:') && !line.startsWith('END:'))
      .map((line) => /^[A-Z-]+/.exec(line)![0]);
    expect(names.sort()).toEqual(
      [
        'ATTENDEE',
        'CALSCALE',
        'CLASS',
        'DESCRIPTION',
        'DTEND',
        'DTSTAMP',
        'DTSTART',
        'LOCATION',
        'METHOD',
        'ORGANIZER',
        'PRODID',
        'SEQUENCE',
        'STATUS',
        'SUMMARY',
        'TRANSP',
        'UID',
        'URL',
        'VERSION',
      ].sort(),
    );
    expect(property(ics, 'SUMMARY')).toEqual(['SUMMARY:Video visit with Dr. Mei Chen']);
    expect(property(ics, 'DESCRIPTION')).toEqual([
      `DESCRIPTION:To see\\, reschedule or cancel your visit\\, sign in: ${signInUrl}`,
    ]);
    // Shared calendars show the slot as busy, not what it is.
    expect(property(ics, 'CLASS')).toEqual(['CLASS:PRIVATE']);
  });
});

describe('appointment calendar file', () => {
  it('invites with a stable UID, METHOD:REQUEST and the visit in UTC', () => {
    const ics = appointmentIcs(makeFacts(), 'REQUEST');
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VEVENT\r\nEND:VCALENDAR\r\n')).toBe(true);
    expect(property(ics, 'METHOD')).toEqual(['METHOD:REQUEST']);
    expect(property(ics, 'UID')).toEqual([`UID:${appointmentId}@openvisit`]);
    expect(property(ics, 'SEQUENCE')).toEqual(['SEQUENCE:0']);
    expect(property(ics, 'STATUS')).toEqual(['STATUS:CONFIRMED']);
    expect(property(ics, 'DTSTART')).toEqual(['DTSTART:20260310T140000Z']);
    expect(property(ics, 'DTEND')).toEqual(['DTEND:20260310T143000Z']);
    expect(property(ics, 'DTSTAMP')).toEqual(['DTSTAMP:20260301T120000Z']);
    expect(property(ics, 'LOCATION')).toEqual([`LOCATION:${joinUrl}`]);
    expect(property(ics, 'URL')).toEqual([`URL:${joinUrl}`]);
    // The From header's display name is dropped: ORGANIZER takes a bare address.
    expect(property(ics, 'ORGANIZER')).toEqual([
      'ORGANIZER;CN="Riverside Clinic":mailto:no-reply@clinic.example',
    ]);
    expect(property(ics, 'ATTENDEE')).toEqual([
      'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:maria@example.org',
    ]);
  });

  it('cancels the same event with STATUS:CANCELLED and a higher SEQUENCE', () => {
    const request = appointmentIcs(makeFacts(), 'REQUEST');
    const cancel = appointmentEmail(factsFor('cancelled')).calendar!.ics;

    expect(property(cancel, 'METHOD')).toEqual(['METHOD:CANCEL']);
    expect(property(cancel, 'STATUS')).toEqual(['STATUS:CANCELLED']);
    expect(property(cancel, 'UID')).toEqual(property(request, 'UID'));
    const sequence = (ics: string) => Number(property(ics, 'SEQUENCE')[0]!.split(':')[1]);
    expect(sequence(cancel)).toBeGreaterThan(sequence(request));
    expect(property(cancel, 'DTSTART')).toEqual(property(request, 'DTSTART'));
    expect(property(cancel, 'URL')).toEqual([]);
    expect(property(cancel, 'DESCRIPTION')).toEqual([
      `DESCRIPTION:This visit is cancelled. To book another time\\, sign in: ${signInUrl}`,
    ]);
  });

  it('gives a phone visit no location or URL', () => {
    const ics = appointmentIcs(makeFacts({ modality: 'phone' }), 'REQUEST');
    expect(property(ics, 'SUMMARY')).toEqual(['SUMMARY:Phone visit with Dr. Mei Chen']);
    expect(property(ics, 'LOCATION')).toEqual([]);
    expect(property(ics, 'URL')).toEqual([]);
  });

  it('ends every line with CRLF and folds at 75 octets, never inside a character', () => {
    const provider = 'Dr. Nguyễn Thị Minh Khai-Trương Nguyễn Thị Minh Khai Nguyễn Thị Minh Khai';
    const ics = appointmentIcs(
      makeFacts({
        providerDisplayName: provider,
        joinUrl: `${signInUrl}/${appointmentId}?session=${'x'.repeat(120)}`,
      }),
      'REQUEST',
    );

    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const physical = ics.split('\r\n').slice(0, -1);
    expect(physical.some((line) => line.startsWith(' '))).toBe(true);
    for (const line of physical) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      // A split multi-byte character would not survive a round trip through UTF-8.
      expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
      expect(line).not.toContain('\uFFFD');
    }
    expect(property(ics, 'SUMMARY')).toEqual([`SUMMARY:Video visit with ${provider}`]);
    expect(property(ics, 'URL')[0]).toMatch(/x{120}$/);
  });

  it('escapes text values and quotes parameter values as RFC 5545 and RFC 6868 require', () => {
    const ics = appointmentIcs(
      makeFacts({
        providerDisplayName: 'Dr. Lee, Jr.; \\ MD',
        clinicName: 'The "Best" Clinic; Inc, ^2',
      }),
      'REQUEST',
    );
    expect(property(ics, 'SUMMARY')).toEqual([
      'SUMMARY:Video visit with Dr. Lee\\, Jr.\\; \\\\ MD',
    ]);
    expect(property(ics, 'ORGANIZER')).toEqual([
      `ORGANIZER;CN="The ^'Best^' Clinic; Inc, ^^2":mailto:no-reply@clinic.example`,
    ]);
  });

  it('refuses facts that would make a broken invitation, without echoing them', () => {
    expect(() => appointmentIcs(makeFacts({ sequence: -1 }), 'REQUEST')).toThrow(/sequence/);
    expect(() => appointmentIcs(makeFacts({ sequence: 1.5 }), 'REQUEST')).toThrow(/sequence/);
    expect(() =>
      appointmentIcs(makeFacts({ endsAt: new Date('2026-03-10T14:00:00Z') }), 'REQUEST'),
    ).toThrow(/endsAt/);
    expect(() =>
      appointmentIcs(makeFacts({ attendeeEmail: 'maria@example.org\r\nATTENDEE:x' }), 'REQUEST'),
    ).toThrow(/^attendeeEmail must be an email address$/);
    expect(() => appointmentEmail(makeFacts({ organizerEmail: 'not an address' }))).toThrow(
      /^organizerEmail must be an email address$/,
    );
  });

  it('stamps the file with the current time when no issuedAt is given', () => {
    const before = Date.now();
    const ics = appointmentIcs(makeFacts({ issuedAt: undefined }), 'REQUEST');
    const stamp = property(ics, 'DTSTAMP')[0]!.slice('DTSTAMP:'.length);
    const parsed = Date.parse(
      stamp.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    expect(parsed).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(parsed).toBeLessThanOrEqual(Date.now());
  });
});
