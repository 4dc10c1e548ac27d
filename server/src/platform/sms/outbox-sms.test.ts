import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { createSms } from './create-sms.js';
import { createOutboxSms, listSmsOutbox, SMS_OUTBOX_MAX_LIMIT } from './outbox-sms.js';
import { SmsError, type OutgoingSms } from './sms.js';

/** A number no other test uses (555-01xx is reserved for fiction), so tests never share texts. */
const newNumber = () => `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

let to: string;
const text = (overrides: Partial<OutgoingSms> = {}): OutgoingSms => ({
  to,
  body: 'OpenVisit: your video visit is tomorrow at 9:30 AM. Sign in to see details: https://clinic.example',
  category: 'appointment-reminder',
  ...overrides,
});

describe('outbox SMS sender', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  afterAll(() => d.drop());
  beforeEach(() => {
    to = newNumber();
  });

  it('stores each text and lists it with every field', async () => {
    const before = Date.now();
    await createOutboxSms(d.database.db).send(text());

    const [stored, ...rest] = await listSmsOutbox(d.database.db, { to });
    expect(rest).toEqual([]);
    expect(stored).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sequence: expect.any(Number),
      toNumber: to,
      body: text().body,
      category: 'appointment-reminder',
      createdAt: expect.any(Date),
    });
    expect(stored!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 60_000);
    expect(stored!.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('lists newest first, even for texts sent in one transaction', async () => {
    const outbox = createOutboxSms(d.database.db);
    await outbox.send(text({ body: 'First' }));
    await outbox.send(text({ body: 'Second' }));
    await d.database.db.transaction(async (tx) => {
      const inTransaction = createOutboxSms(tx);
      await inTransaction.send(text({ body: 'Third' }));
      await inTransaction.send(text({ body: 'Fourth' }));
    });

    const bodies = (await listSmsOutbox(d.database.db, { to })).map((m) => m.body);
    expect(bodies).toEqual(['Fourth', 'Third', 'Second', 'First']);
  });

  it('filters by number', async () => {
    const outbox = createOutboxSms(d.database.db);
    const other = newNumber();
    await outbox.send(text({ category: 'appointment-confirmed' }));
    await outbox.send(text({ to: other, category: 'appointment-cancelled' }));
    await outbox.send(text());

    expect((await listSmsOutbox(d.database.db, { to })).map((m) => m.category)).toEqual([
      'appointment-reminder',
      'appointment-confirmed',
    ]);
    expect((await listSmsOutbox(d.database.db, { to: other })).map((m) => m.category)).toEqual([
      'appointment-cancelled',
    ]);
    expect(await listSmsOutbox(d.database.db, { to: newNumber() })).toEqual([]);
  });

  it('returns at most `limit` texts, the newest ones', async () => {
    const outbox = createOutboxSms(d.database.db);
    for (let i = 1; i <= 5; i++) await outbox.send(text({ body: `Reminder ${i}` }));

    const latest = await listSmsOutbox(d.database.db, { to, limit: 2 });
    expect(latest.map((m) => m.body)).toEqual(['Reminder 5', 'Reminder 4']);
    expect(await listSmsOutbox(d.database.db, { to, limit: 0 })).toHaveLength(1);
    expect(await listSmsOutbox(d.database.db, { to, limit: Number.NaN })).toHaveLength(5);
    expect(SMS_OUTBOX_MAX_LIMIT).toBeGreaterThanOrEqual(100);
  });

  it('refuses what Twilio would refuse, stores nothing, and does not echo the number or text', async () => {
    const outbox = createOutboxSms(d.database.db);
    const invalid: OutgoingSms[] = [
      text({ to: to.slice(1) }), // no plus
      text({ to: `${to},+15550100000` }),
      text({ to: `+0${to.slice(2)}` }), // country codes never start with 0
      text({ to: `${to}1234567` }), // more than 15 digits
      text({ to: to.replace('555', '555 ') }),
      text({ body: '   ' }),
      text({ body: `Diabetes follow-up ${'x'.repeat(480)}` }),
      text({ category: 'Diabetes follow-up' }),
    ];
    for (const message of invalid) {
      const error = await outbox.send(message).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(SmsError);
      expect((error as SmsError).code).toBe('invalid-message');
      expect((error as SmsError).message).not.toContain(to.slice(2));
      expect((error as SmsError).message).not.toMatch(/Diabetes|video visit/);
    }
    expect(await listSmsOutbox(d.database.db, { to })).toEqual([]);
  });

  it('accepts a body of exactly 480 characters', async () => {
    await createOutboxSms(d.database.db).send(text({ body: 'x'.repeat(480) }));
    expect(await listSmsOutbox(d.database.db, { to })).toHaveLength(1);
  });

  it('keeps each test database to itself', async () => {
    const [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      await createOutboxSms(first.database.db).send(text({ body: 'Only in the first' }));
      await createOutboxSms(second.database.db).send(text({ body: 'Only in the second' }));
      expect((await listSmsOutbox(first.database.db)).map((m) => m.body)).toEqual([
        'Only in the first',
      ]);
      expect((await listSmsOutbox(second.database.db)).map((m) => m.body)).toEqual([
        'Only in the second',
      ]);
    } finally {
      await Promise.all([first.drop(), second.drop()]);
    }
  });

  it('is what createSms returns when Twilio is not configured', async () => {
    const sms = createSms({ twilio: undefined, db: d.database.db });
    expect(sms.kind).toBe('outbox');
    await sms.send(text({ category: 'appointment-confirmed' }));
    await sms.close();
    expect((await listSmsOutbox(d.database.db, { to })).map((m) => m.category)).toEqual([
      'appointment-confirmed',
    ]);
  });

  it('names its columns in snake_case in SQL', async () => {
    const result: unknown = await d.database.db.execute(
      sql`select column_name, data_type from information_schema.columns
          where table_schema = current_schema() and table_name = 'sms_outbox'
          order by column_name`,
    );
    expect((result as { rows: unknown[] }).rows).toEqual([
      { column_name: 'body', data_type: 'text' },
      { column_name: 'category', data_type: 'text' },
      { column_name: 'created_at', data_type: 'timestamp with time zone' },
      { column_name: 'id', data_type: 'uuid' },
      { column_name: 'sequence', data_type: 'bigint' },
      { column_name: 'to_number', data_type: 'text' },
    ]);
  });
});
