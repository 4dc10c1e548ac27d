import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { createMailer } from './create-mailer.js';
import { MailError, type OutgoingMail } from './mailer.js';
import { createOutboxMailer, listOutbox, OUTBOX_MAX_LIMIT } from './outbox-mailer.js';

/** An address no other test uses, so tests share the database but never each other's mail. */
const newRecipient = () => `patient-${randomBytes(6).toString('hex')}@example.org`;

let to: string;
const mail = (overrides: Partial<OutgoingMail> = {}): OutgoingMail => ({
  to,
  subject: 'Reset your password',
  text: 'Open this link to choose a new password: https://clinic.example/reset#token',
  category: 'password-reset',
  ...overrides,
});

describe('outbox mailer', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  afterAll(() => d.drop());
  beforeEach(() => {
    to = newRecipient();
  });

  it('stores each message and lists it with every field', async () => {
    const before = Date.now();
    await createOutboxMailer(d.database.db).send(
      mail({ html: '<p>Open <a href="https://clinic.example/reset#token">this link</a>.</p>' }),
    );

    const [stored, ...rest] = await listOutbox(d.database.db, { to });
    expect(rest).toEqual([]);
    expect(stored).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sequence: expect.any(Number),
      toAddress: to,
      subject: 'Reset your password',
      textBody: 'Open this link to choose a new password: https://clinic.example/reset#token',
      htmlBody: '<p>Open <a href="https://clinic.example/reset#token">this link</a>.</p>',
      category: 'password-reset',
      calendarIcs: null,
      createdAt: expect.any(Date),
    });
    // Stored as timestamptz in UTC: within this test's run, whatever the session time zone.
    expect(stored!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 60_000);
    expect(stored!.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('stores a text-only message with no html body', async () => {
    await createOutboxMailer(d.database.db).send(mail());
    const [stored] = await listOutbox(d.database.db, { to });
    expect(stored!.htmlBody).toBeNull();
  });

  it('stores the calendar part of an invitation and a cancellation', async () => {
    const ics = (method: 'REQUEST' | 'CANCEL') =>
      `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//OpenVisit//Test//EN\r\nMETHOD:${method}\r\n` +
      'BEGIN:VEVENT\r\nUID:visit-1@openvisit\r\nDTSTAMP:20260301T120000Z\r\n' +
      'DTSTART:20260310T140000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const outbox = createOutboxMailer(d.database.db);
    await outbox.send(
      mail({
        subject: 'Visit confirmed',
        category: 'appointment-confirmation',
        calendar: { method: 'REQUEST', ics: ics('REQUEST') },
      }),
    );
    await outbox.send(
      mail({
        subject: 'Visit cancelled',
        category: 'appointment-cancelled',
        calendar: { method: 'CANCEL', ics: ics('CANCEL') },
      }),
    );

    const [cancelled, confirmed] = await listOutbox(d.database.db, { to });
    expect(confirmed!.calendarIcs).toBe(ics('REQUEST'));
    expect(cancelled!.calendarIcs).toBe(ics('CANCEL'));
  });

  it('refuses a calendar part that is not an iCalendar file or whose METHOD disagrees', async () => {
    const outbox = createOutboxMailer(d.database.db);
    const request =
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x@openvisit\r\n' +
      'END:VEVENT\r\nEND:VCALENDAR\r\n';
    const invalid: OutgoingMail['calendar'][] = [
      { method: 'REQUEST', ics: 'Diabetes follow-up' },
      { method: 'REQUEST', ics: `X-PREFIX\r\n${request}` },
      { method: 'CANCEL', ics: request },
      { method: 'REQUEST', ics: request.replace('METHOD:REQUEST\r\n', '') },
      {
        method: 'REQUEST',
        ics: request.replace('METHOD:REQUEST', 'METHOD:REQUEST\r\nMETHOD:CANCEL'),
      },
      { method: 'PUBLISH' as 'REQUEST', ics: request.replace('REQUEST', 'PUBLISH') },
    ];
    for (const calendar of invalid) {
      const error = await outbox.send(mail({ calendar })).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(MailError);
      expect((error as MailError).code).toBe('invalid-message');
      expect((error as MailError).message).not.toMatch(/Diabetes|x@openvisit/);
    }
    expect(await listOutbox(d.database.db, { to })).toEqual([]);
  });

  it('lists newest first, even for messages sent in one transaction', async () => {
    const outbox = createOutboxMailer(d.database.db);
    await outbox.send(mail({ subject: 'First' }));
    await outbox.send(mail({ subject: 'Second' }));
    await d.database.db.transaction(async (tx) => {
      const inTransaction = createOutboxMailer(tx);
      await inTransaction.send(mail({ subject: 'Third' }));
      await inTransaction.send(mail({ subject: 'Fourth' }));
    });

    const subjects = (await listOutbox(d.database.db, { to })).map((m) => m.subject);
    expect(subjects).toEqual(['Fourth', 'Third', 'Second', 'First']);
  });

  it('filters by recipient, ignoring letter case', async () => {
    const outbox = createOutboxMailer(d.database.db);
    const other = newRecipient();
    await outbox.send(mail({ to: to.replace('patient', 'Patient'), category: 'verify-email' }));
    await outbox.send(mail({ to: other, category: 'invite' }));
    await outbox.send(mail({ category: 'security-notice' }));

    const toFirst = await listOutbox(d.database.db, { to: to.toUpperCase() });
    expect(toFirst.map((m) => m.category)).toEqual(['security-notice', 'verify-email']);
    expect((await listOutbox(d.database.db, { to: other })).map((m) => m.category)).toEqual([
      'invite',
    ]);
    expect(await listOutbox(d.database.db, { to: newRecipient() })).toEqual([]);
  });

  it('returns at most `limit` messages, the newest ones', async () => {
    const outbox = createOutboxMailer(d.database.db);
    for (let i = 1; i <= 5; i++) await outbox.send(mail({ subject: `Reminder ${i}` }));

    const latest = await listOutbox(d.database.db, { to, limit: 2 });
    expect(latest.map((m) => m.subject)).toEqual(['Reminder 5', 'Reminder 4']);
    // Nonsense limits fall back to something sane instead of failing or listing everything.
    expect(await listOutbox(d.database.db, { to, limit: 0 })).toHaveLength(1);
    expect(await listOutbox(d.database.db, { to, limit: Number.NaN })).toHaveLength(5);
    expect(OUTBOX_MAX_LIMIT).toBeGreaterThanOrEqual(100);
  });

  it('refuses what SMTP would refuse, stores nothing, and does not echo the address', async () => {
    const outbox = createOutboxMailer(d.database.db);
    const invalid: OutgoingMail[] = [
      mail({ to: `${to}, james@example.org` }),
      mail({ to: `Maria <${to}>` }),
      mail({ to: to.replace('@', '') }),
      mail({ subject: 'Hello\nBcc: james@example.org' }),
      mail({ text: '   ' }),
      mail({ category: 'Diabetes follow-up' }),
    ];
    for (const message of invalid) {
      const error = await outbox.send(message).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(MailError);
      expect((error as MailError).code).toBe('invalid-message');
      expect((error as MailError).message).not.toMatch(/patient-|james|Diabetes/);
    }
    expect(await listOutbox(d.database.db, { to })).toEqual([]);
  });

  it('keeps each test database to itself', async () => {
    const [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      await createOutboxMailer(first.database.db).send(mail({ subject: 'Only in the first' }));
      await createOutboxMailer(second.database.db).send(mail({ subject: 'Only in the second' }));
      // Unfiltered: everything in each database.
      expect((await listOutbox(first.database.db)).map((m) => m.subject)).toEqual([
        'Only in the first',
      ]);
      expect((await listOutbox(second.database.db)).map((m) => m.subject)).toEqual([
        'Only in the second',
      ]);
    } finally {
      await Promise.all([first.drop(), second.drop()]);
    }
  });

  it('is what createMailer returns when no SMTP URL is configured', async () => {
    for (const smtpUrl of [undefined, '']) {
      const mailer = createMailer({ smtpUrl, from: 'no-reply@clinic.example', db: d.database.db });
      expect(mailer.kind).toBe('outbox');
      await mailer.send(mail({ category: 'invite' }));
      await mailer.close();
    }
    expect((await listOutbox(d.database.db, { to })).map((m) => m.category)).toEqual([
      'invite',
      'invite',
    ]);
  });

  it('names its columns in snake_case in SQL', async () => {
    const result: unknown = await d.database.db.execute(
      sql`select column_name, data_type from information_schema.columns
          where table_schema = current_schema() and table_name = 'mail_outbox'
          order by column_name`,
    );
    expect((result as { rows: unknown[] }).rows).toEqual([
      { column_name: 'calendar_ics', data_type: 'text' },
      { column_name: 'category', data_type: 'text' },
      { column_name: 'created_at', data_type: 'timestamp with time zone' },
      { column_name: 'html_body', data_type: 'text' },
      { column_name: 'id', data_type: 'uuid' },
      { column_name: 'sequence', data_type: 'bigint' },
      { column_name: 'subject', data_type: 'text' },
      { column_name: 'text_body', data_type: 'text' },
      { column_name: 'to_address', data_type: 'text' },
    ]);
  });
});
