import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MESSAGING_EMERGENCY_NOTICE,
  type MessageInbox,
  type MessageSent,
  type MessageThreadCreated,
  type MessageThreadDetail,
  type MessageThreadReadResult,
  type MyUnread,
  type PatientThreadList,
} from '@openvisit/contracts';
import { messages, messageThreads, realtimeEvents } from '../../db/schema/index.js';
import { signedInCookie } from '../../testing/sessions.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { seedChartDocument } from '../documents/documents-test-kit.js';
import { caller, messagingWorld, type MessagingWorld } from './messaging-test-kit.js';

describe('secure messaging over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT_MAX: '100000' } });
    await t.app.ready();
  });
  afterAll(() => t.close());

  const urls = (w: MessagingWorld) => {
    const clinic = `/api/clinics/${w.clinic.id}`;
    return {
      threadsOfA: `${clinic}/patients/${w.people.patientA.id}/threads`,
      inbox: `${clinic}/inbox`,
      thread: (id: string) => `${clinic}/threads/${id}`,
      messages: (id: string) => `${clinic}/threads/${id}/messages`,
      read: (id: string) => `${clinic}/threads/${id}/read`,
    };
  };

  /** Patient A starts a thread; answers the created thread. */
  async function startThread(w: MessagingWorld, body = 'My rash is back, should I worry?') {
    const res = await caller(t, w.cookies.patientA).post(urls(w).threadsOfA, {
      subject: 'Rash is back',
      body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<MessageThreadCreated>();
  }

  const send = (w: MessagingWorld, cookie: string, threadId: string, payload: object) =>
    caller(t, cookie).post(urls(w).messages(threadId), payload);

  it('lets a patient start a thread, shows the emergency notice, and retries land once', async () => {
    const w = await messagingWorld(t);
    const patient = caller(t, w.cookies.patientA);
    const key = { 'idempotency-key': `start-${randomUUID()}` };
    const payload = { subject: 'Refill', body: 'Could you renew my inhaler?' };
    const first = await patient.post(urls(w).threadsOfA, payload, key);
    expect(first.statusCode, first.body).toBe(201);
    const created = first.json<MessageThreadCreated>();
    expect(created.emergencyNotice).toBe(MESSAGING_EMERGENCY_NOTICE);
    expect(created.emergencyNotice).toMatch(/not for emergencies.*call 911/);
    expect(created.thread).toMatchObject({ status: 'open', subject: 'Refill', unread: 0 });
    expect(created.message).toMatchObject({
      body: 'Could you renew my inhaler?',
      sender: { id: w.people.patientA.id, side: 'patient' },
      readByRecipient: false,
    });

    const again = await patient.post(urls(w).threadsOfA, payload, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<MessageThreadCreated>().thread.id).toBe(created.thread.id);
    const other = await patient.post(urls(w).threadsOfA, { ...payload, subject: 'Else' }, key);
    expect(other.statusCode).toBe(409);
    const stored = await w.db
      .select()
      .from(messageThreads)
      .where(eq(messageThreads.patientUserId, w.people.patientA.id));
    expect(stored).toHaveLength(1);

    // The patient's list carries the notice too; the staff inbox shows it unread.
    const list = (await patient.get(urls(w).threadsOfA)).json<PatientThreadList>();
    expect(list.emergencyNotice).toBe(MESSAGING_EMERGENCY_NOTICE);
    expect(list.threads.map((x) => x.id)).toEqual([created.thread.id]);
    const inbox = await caller(t, w.cookies.staff).get(`${urls(w).inbox}?status=open`);
    expect(inbox.statusCode, inbox.body).toBe(200);
    expect(inbox.json<MessageInbox>().threads).toEqual([
      expect.objectContaining({
        id: created.thread.id,
        unread: 1,
        patient: { id: w.people.patientA.id, displayName: w.people.patientA.displayName },
        assignee: null,
      }),
    ]);
  });

  it('answers a resent message from the store, and refuses another message under its id', async () => {
    const w = await messagingWorld(t);
    const { thread } = await startThread(w);
    const id = randomUUID();
    const first = await send(w, w.cookies.patientA, thread.id, { id, body: 'Also a fever.' });
    expect(first.statusCode, first.body).toBe(201);
    const again = await send(w, w.cookies.patientA, thread.id, { id, body: 'Also a fever.' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<MessageSent>().message).toEqual(first.json<MessageSent>().message);
    const changed = await send(w, w.cookies.patientA, thread.id, { id, body: 'No fever.' });
    expect(changed.statusCode).toBe(409);
    expect(changed.headers['content-type']).toMatch(/problem\+json/);
    // Someone else using that id is no replay either.
    const staff = await send(w, w.cookies.staff, thread.id, { id, body: 'Also a fever.' });
    expect(staff.statusCode).toBe(409);
    const rows = await w.db.select().from(messages).where(eq(messages.threadId, thread.id));
    expect(rows).toHaveLength(2);

    // A flaky network sends the same message twice at once: it lands once.
    const twinId = randomUUID();
    const twins = await Promise.all(
      [1, 2].map(() => send(w, w.cookies.patientA, thread.id, { id: twinId, body: 'Twice?' })),
    );
    expect(twins.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(twins.map((r) => r.json<MessageSent>().message.sequence)).toEqual([
      twins[0]!.json<MessageSent>().message.sequence,
      twins[0]!.json<MessageSent>().message.sequence,
    ]);
    expect(await w.db.select().from(messages).where(eq(messages.threadId, thread.id))).toHaveLength(
      3,
    );
  });

  it('keeps both devices’ messages, each device’s in its order, when they send at once', async () => {
    const w = await messagingWorld(t);
    const { thread } = await startThread(w);
    const phone = (await signedInCookie(t, w.people.patientA.id)).cookie;
    const laptop = (await signedInCookie(t, w.people.patientA.id)).cookie;
    const device = async (cookie: string, name: string) => {
      for (let i = 0; i < 6; i++) {
        const res = await send(w, cookie, thread.id, { id: randomUUID(), body: `${name} ${i}` });
        expect(res.statusCode, res.body).toBe(201);
      }
    };
    await Promise.all([device(phone, 'phone'), device(laptop, 'laptop'), device(phone, 'tablet')]);

    const detail = (
      await caller(t, w.cookies.staff).get(`${urls(w).thread(thread.id)}?limit=200`)
    ).json<MessageThreadDetail>();
    const bodies = detail.messages.map((m) => m.body);
    expect(bodies).toHaveLength(19);
    for (const name of ['phone', 'laptop', 'tablet']) {
      expect(bodies.filter((b) => b.startsWith(name))).toEqual(
        [0, 1, 2, 3, 4, 5].map((i) => `${name} ${i}`),
      );
    }
    const sequences = detail.messages.map((m) => m.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    // The thread room's events come in the messages' order: a client replaying them agrees.
    const created = await w.db
      .select()
      .from(realtimeEvents)
      .where(eq(realtimeEvents.room, `thread:${thread.id}`))
      .orderBy(realtimeEvents.id);
    expect(
      created
        .filter((e) => e.type === 'message.created')
        .map((e) => (e.payload as { message: { sequence: number } }).message.sequence),
    ).toEqual(sequences);
  });

  it('counts unread per person across their devices; read markers never move back', async () => {
    const w = await messagingWorld(t);
    const { thread } = await startThread(w);
    const phone = caller(t, (await signedInCookie(t, w.people.patientA.id)).cookie);
    const laptop = caller(t, (await signedInCookie(t, w.people.patientA.id)).cookie);
    const staffReplies = [];
    for (const body of ['Please send a photo.', 'And your temperature.']) {
      const res = await send(w, w.cookies.staff, thread.id, { id: randomUUID(), body });
      expect(res.statusCode, res.body).toBe(201);
      staffReplies.push(res.json<MessageSent>().message);
    }
    const unreadOf = async (who: ReturnType<typeof caller>) =>
      (await who.get('/api/me/unread')).json<MyUnread>();
    expect(await unreadOf(phone)).toEqual({
      clinics: [{ clinicId: w.clinic.id, unread: 2 }],
      total: 2,
    });
    expect((await unreadOf(laptop)).total).toBe(2);
    // The care team's own replies are not unread for it: the staff member who replied has
    // read the patient's question; the admin has not, and sees that one only.
    expect((await unreadOf(caller(t, w.cookies.staff))).total).toBe(0);
    expect((await unreadOf(caller(t, w.cookies.admin))).total).toBe(1);

    const readFirst = await phone.post(urls(w).read(thread.id), {
      upToSequence: staffReplies[0]!.sequence,
    });
    expect(readFirst.json<MessageThreadReadResult>()).toMatchObject({ unread: 1 });
    expect((await unreadOf(laptop)).total).toBe(1);
    const readAll = await laptop.post(urls(w).read(thread.id), {
      upToSequence: staffReplies[1]!.sequence,
    });
    expect(readAll.json<MessageThreadReadResult>()).toMatchObject({
      upToSequence: staffReplies[1]!.sequence,
      unread: 0,
    });
    // The phone was behind: its late "read up to the first" does not un-read the second.
    const late = await phone.post(urls(w).read(thread.id), {
      upToSequence: staffReplies[0]!.sequence,
    });
    expect(late.json<MessageThreadReadResult>()).toMatchObject({
      upToSequence: staffReplies[1]!.sequence,
      unread: 0,
    });
    expect((await unreadOf(phone)).total).toBe(0);
    // Read receipts: the care team sees the patient read both replies.
    const staffView = (
      await caller(t, w.cookies.staff).get(urls(w).thread(thread.id))
    ).json<MessageThreadDetail>();
    expect(staffView.receipts.patient?.upToSequence).toBe(staffReplies[1]!.sequence);
    expect(staffView.messages.filter((m) => m.sender.side === 'care-team')).toEqual([
      expect.objectContaining({ readByRecipient: true }),
      expect.objectContaining({ readByRecipient: true }),
    ]);
    // ...and the patient sees "read by care team" once a staff member opened theirs.
    const patientView = (await phone.get(urls(w).thread(thread.id))).json<MessageThreadDetail>();
    expect(patientView.receipts.careTeam?.upToSequence).toBe(staffReplies[1]!.sequence);
    expect(patientView.messages[0]).toMatchObject({ readByRecipient: true });

    // Events: the reader's own devices and the thread's room heard of each read that moved.
    const events = await w.db
      .select()
      .from(realtimeEvents)
      .where(eq(realtimeEvents.organizationId, w.clinic.id))
      .orderBy(realtimeEvents.id);
    const reads = events.filter(
      (e) => e.type === 'thread.read' && (e.payload as { side: string }).side === 'patient',
    );
    // Writing the first message read it; then each read that moved the marker.
    expect(reads.map((e) => e.payload)).toEqual([
      expect.objectContaining({ upToSequence: patientView.messages[0]!.sequence }),
      expect.objectContaining({ upToSequence: staffReplies[0]!.sequence }),
      expect.objectContaining({ upToSequence: staffReplies[1]!.sequence }),
    ]);
    // A staff reply is a read too: the patient's view learns "read by care team" live.
    expect(events.filter((e) => e.type === 'thread.read').map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ side: 'care-team', upToSequence: staffReplies[1]!.sequence }),
    );
    const patientRoom = events.filter((e) => e.room === `user:${w.people.patientA.id}`);
    expect(patientRoom.map((e) => (e.payload as { unread: number }).unread)).toEqual([
      0, 1, 2, 1, 0,
    ]);
  });

  it('refuses other patients (404), providers who do not care for the patient (403) and other clinics (404)', async () => {
    const w = await messagingWorld(t);
    const { thread } = await startThread(w);
    const u = urls(w);
    const expectations: [string, number][] = [
      [w.cookies.patientB, 404],
      [w.cookies.otherProvider, 403],
      [w.cookies.outsider, 404],
    ];
    for (const [cookie, status] of expectations) {
      const who = caller(t, cookie);
      expect((await who.get(u.thread(thread.id))).statusCode).toBe(status);
      expect((await who.get(u.threadsOfA)).statusCode).toBe(status);
      const sent = await who.post(u.messages(thread.id), { id: randomUUID(), body: 'Hi' });
      expect(sent.statusCode).toBe(status);
      expect((await who.post(u.read(thread.id), { upToSequence: 1 })).statusCode).toBe(status);
    }
    // The same thread id at another clinic does not exist.
    const elsewhere = `/api/clinics/${w.otherClinic.id}/threads/${thread.id}`;
    expect((await caller(t, w.cookies.outsider).get(elsewhere)).statusCode).toBe(404);
    // The provider without a relationship finds nothing in the inbox either.
    const inbox = await caller(t, w.cookies.otherProvider).get(u.inbox);
    expect(inbox.json<MessageInbox>().threads).toEqual([]);
    const careInbox = await caller(t, w.cookies.careProvider).get(u.inbox);
    expect(careInbox.json<MessageInbox>().threads.map((x) => x.id)).toEqual([thread.id]);
    // Patients never work threads.
    expect(
      (await caller(t, w.cookies.patientA).patch(u.thread(thread.id), { status: 'closed' }))
        .statusCode,
    ).toBe(404);
    expect((await caller(t, w.cookies.patientA).get(u.inbox)).statusCode).toBe(404);
  });

  it("attaches the patient's own documents only; the front desk sees clinical ones as unavailable", async () => {
    const w = await messagingWorld(t);
    const { thread } = await startThread(w);
    const own = await seedChartDocument(t, {
      clinicId: w.clinic.id,
      patientId: w.people.patientA.id,
    });
    const card = await seedChartDocument(t, {
      clinicId: w.clinic.id,
      patientId: w.people.patientA.id,
      category: 'insurance-card',
    });
    const others = await seedChartDocument(t, {
      clinicId: w.clinic.id,
      patientId: w.people.patientB.id,
    });
    const refused = await send(w, w.cookies.patientA, thread.id, {
      id: randomUUID(),
      body: 'Here is my result.',
      attachmentIds: [own.id, others.id],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe(
      'body.attachmentIds.1',
    );
    expect(
      (await w.db.select().from(messages).where(eq(messages.threadId, thread.id))).length,
    ).toBe(1);

    const sent = await send(w, w.cookies.patientA, thread.id, {
      id: randomUUID(),
      body: 'Here is my result and my card.',
      attachmentIds: [own.id, card.id],
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json<MessageSent>().message.attachments).toEqual([
      expect.objectContaining({ documentId: own.id, available: true, fileName: 'seeded.png' }),
      expect.objectContaining({ documentId: card.id, available: true }),
    ]);
    const staffView = (
      await caller(t, w.cookies.staff).get(urls(w).thread(thread.id))
    ).json<MessageThreadDetail>();
    expect(staffView.messages.at(-1)!.attachments).toEqual([
      {
        documentId: own.id,
        available: false,
        fileName: null,
        mediaType: null,
        sizeBytes: null,
        retracted: false,
      },
      expect.objectContaining({ documentId: card.id, available: true }),
    ]);
    // Staff cannot attach a clinical document they may not open themselves.
    const staffAttach = await send(w, w.cookies.staff, thread.id, {
      id: randomUUID(),
      body: 'Forwarding.',
      attachmentIds: [own.id],
    });
    expect(staffAttach.statusCode).toBe(403);
  });

  it('reopens a closed thread when the patient writes; the care team sets waiting-on-patient', async () => {
    const w = await messagingWorld(t);
    const { thread } = await startThread(w);
    const staff = caller(t, w.cookies.staff);
    const reply = await send(w, w.cookies.staff, thread.id, {
      id: randomUUID(),
      body: 'Please upload a photo.',
      status: 'waiting-on-patient',
    });
    expect(reply.json<MessageSent>().thread.status).toBe('waiting-on-patient');
    const closed = await staff.patch(urls(w).thread(thread.id), { status: 'closed' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json<{ status: string }>().status).toBe('closed');
    // A patient does not set a status.
    const patientStatus = await send(w, w.cookies.patientA, thread.id, {
      id: randomUUID(),
      body: 'Done.',
      status: 'closed',
    });
    expect(patientStatus.statusCode).toBe(400);
    const patientWrites = await send(w, w.cookies.patientA, thread.id, {
      id: randomUUID(),
      body: 'It got worse overnight.',
    });
    expect(patientWrites.json<MessageSent>().thread.status).toBe('open');
    const inboxEvents = await w.db
      .select()
      .from(realtimeEvents)
      .where(eq(realtimeEvents.room, `clinic-inbox:${w.clinic.id}`))
      .orderBy(realtimeEvents.id);
    expect(inboxEvents.map((e) => (e.payload as { status: string }).status)).toEqual([
      'open',
      'waiting-on-patient',
      'closed',
      'open',
    ]);
    // Inbox events hold ids and state only: no subject, no body, no patient.
    const wire = JSON.stringify(inboxEvents);
    expect(wire).not.toMatch(/Rash|worse|photo/i);
    expect(wire).not.toContain(w.people.patientA.id);
  });

  it('assigns threads to the care team only, and filters the inbox by assignee and status', async () => {
    const w = await messagingWorld(t);
    const { thread } = await startThread(w);
    const staff = caller(t, w.cookies.staff);
    const u = urls(w);
    const toOther = await staff.patch(u.thread(thread.id), {
      assignedTo: w.people.otherProvider.id,
    });
    expect(toOther.statusCode).toBe(400);
    const toPatient = await staff.patch(u.thread(thread.id), { assignedTo: w.people.patientB.id });
    expect(toPatient.statusCode).toBe(400);
    const assigned = await staff.patch(u.thread(thread.id), {
      assignedTo: w.people.careProvider.id,
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json<{ assignee: { id: string } }>().assignee.id).toBe(
      w.people.careProvider.id,
    );

    const mine = await caller(t, w.cookies.careProvider).get(`${u.inbox}?assigned=me`);
    expect(mine.json<MessageInbox>().threads.map((x) => x.id)).toEqual([thread.id]);
    expect((await staff.get(`${u.inbox}?assigned=me`)).json<MessageInbox>().threads).toEqual([]);
    expect(
      (await staff.get(`${u.inbox}?assigned=unassigned`)).json<MessageInbox>().threads,
    ).toEqual([]);
    expect((await staff.get(`${u.inbox}?status=closed`)).json<MessageInbox>().threads).toEqual([]);
    const unassign = await staff.patch(u.thread(thread.id), { assignedTo: null });
    expect(unassign.json<{ assignee: unknown }>().assignee).toBeNull();
  });

  it('pages the inbox newest activity first, and a thread by sequence', async () => {
    const w = await messagingWorld(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await startThread(w, `Question ${i}`)).thread.id);
    const staff = caller(t, w.cookies.staff);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const url: string = `${urls(w).inbox}?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = (await staff.get(url)).json<MessageInbox>();
      seen.push(...res.threads.map((x) => x.id));
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await staff.get(`${urls(w).inbox}?cursor=nonsense`)).statusCode).toBe(400);

    const thread = ids[0]!;
    for (let i = 1; i <= 4; i++) {
      await send(w, w.cookies.patientA, thread, { id: randomUUID(), body: `More ${i}` });
    }
    const latest = (
      await staff.get(`${urls(w).thread(thread)}?limit=2`)
    ).json<MessageThreadDetail>();
    expect(latest.messages.map((m) => m.body)).toEqual(['More 3', 'More 4']);
    expect(latest).toMatchObject({ hasOlder: true, hasNewer: false });
    const older = (
      await staff.get(`${urls(w).thread(thread)}?limit=2&before=${latest.messages[0]!.sequence}`)
    ).json<MessageThreadDetail>();
    expect(older.messages.map((m) => m.body)).toEqual(['More 1', 'More 2']);
    expect(older).toMatchObject({ hasOlder: true, hasNewer: true });
    const after = (
      await staff.get(`${urls(w).thread(thread)}?after=${older.messages[1]!.sequence}`)
    ).json<MessageThreadDetail>();
    expect(after.messages.map((m) => m.body)).toEqual(['More 3', 'More 4']);
  });

  it('stores a message and its events together, or neither', async () => {
    const w = await messagingWorld(t);
    const { thread } = await startThread(w);
    const countOf = async () => ({
      messages: (await w.db.select().from(messages).where(eq(messages.threadId, thread.id))).length,
      events: (
        await w.db
          .select()
          .from(realtimeEvents)
          .where(eq(realtimeEvents.organizationId, w.clinic.id))
      ).length,
    });
    const before = await countOf();
    const stored = await send(w, w.cookies.patientA, thread.id, { id: randomUUID(), body: 'One' });
    expect(stored.statusCode).toBe(201);
    const afterOne = await countOf();
    expect(afterOne.messages).toBe(before.messages + 1);
    // message.created, thread.updated, thread.read (the sender's marker), and unread.changed
    // for the sender, the staff member, the admin and the provider caring for the patient.
    expect(afterOne.events - before.events).toBe(7);

    // The event log cannot be written: the message is not stored either.
    const lost = `Lost message ${randomUUID()}`;
    await w.db.execute(sql`alter table realtime_events rename to realtime_events_away`);
    let failed;
    try {
      failed = await send(w, w.cookies.patientA, thread.id, { id: randomUUID(), body: lost });
    } finally {
      await w.db.execute(sql`alter table realtime_events_away rename to realtime_events`);
    }
    expect(failed.statusCode).toBeGreaterThanOrEqual(500);
    // The database's error names the query's values; the log line must not.
    expect(t.rawLogs.join('\n')).not.toContain(lost);
    expect(failed.body).not.toContain(lost);
    expect(await countOf()).toEqual(afterOne);
    const threadRow = (
      await w.db.select().from(messageThreads).where(eq(messageThreads.id, thread.id))
    )[0]!;
    expect(threadRow.lastMessageAt.toISOString()).toBe(
      (
        await caller(t, w.cookies.patientA).get(urls(w).thread(thread.id))
      ).json<MessageThreadDetail>().thread.lastMessageAt,
    );
  });

  it('validates bodies: 1 to 5000 characters, never a 500', async () => {
    const w = await messagingWorld(t);
    const { thread } = await startThread(w);
    for (const body of ['', '   ', 'x'.repeat(5001)]) {
      const res = await send(w, w.cookies.patientA, thread.id, { id: randomUUID(), body });
      expect(res.statusCode).toBe(400);
    }
    const bad = await send(w, w.cookies.patientA, thread.id, { id: 'not-a-uuid', body: 'Hi' });
    expect(bad.statusCode).toBe(400);
    const ok = await send(w, w.cookies.patientA, thread.id, {
      id: randomUUID(),
      body: 'x'.repeat(5000),
    });
    expect(ok.statusCode).toBe(201);
  });
});
