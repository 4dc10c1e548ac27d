import { randomUUID } from 'node:crypto';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realtimeEvents } from '../../db/schema/index.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import {
  messagingServiceOf,
  messagingWorld,
  recordingBroadcaster,
  seedThread,
} from './messaging-test-kit.js';

describe('messaging service: events reach sockets only once committed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it('broadcasts exactly the events it stored, after the commit, and nothing when it fails', async () => {
    const w = await messagingWorld(t);
    const broadcaster = recordingBroadcaster();
    const messaging = await messagingServiceOf(t, { broadcaster });
    const { thread } = await seedThread(w.db, {
      clinicId: w.clinic.id,
      patientId: w.people.patientA.id,
    });
    const staff = { userId: w.people.staff.id, basis: 'clinic-staff' as const };

    const { sent } = await messaging.send({
      threadId: thread.id,
      messageId: randomUUID(),
      viewer: staff,
      body: 'We will call you this afternoon.',
      attachmentIds: [],
      status: 'waiting-on-patient',
    });
    const stored = await w.db
      .select()
      .from(realtimeEvents)
      .where(eq(realtimeEvents.organizationId, w.clinic.id))
      .orderBy(asc(realtimeEvents.id));
    expect(broadcaster.events.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(broadcaster.events.map((e) => `${e.type} ${e.room}`)).toEqual([
      `message.created thread:${thread.id}`,
      // The status changed: the inbox, the open thread and the patient's devices hear it.
      `thread.updated clinic-inbox:${w.clinic.id}`,
      `thread.updated thread:${thread.id}`,
      `thread.updated user:${w.people.patientA.id}`,
      `thread.read thread:${thread.id}`,
      `unread.changed user:${w.people.staff.id}`,
      `unread.changed user:${w.people.patientA.id}`,
    ]);
    expect(broadcaster.events[0]!.payload).toMatchObject({
      message: { id: sent.message.id, sequence: sent.message.sequence, attachmentIds: [] },
    });
    expect(broadcaster.events.at(-1)!.payload).toEqual({
      clinicId: w.clinic.id,
      threadId: thread.id,
      unread: 1,
    });

    // The log cannot be written: the send fails, nothing is stored, nothing broadcast.
    const heard = broadcaster.events.length;
    await w.db.execute(sql`alter table realtime_events rename to realtime_events_away`);
    try {
      await expect(
        messaging.send({
          threadId: thread.id,
          messageId: randomUUID(),
          viewer: staff,
          body: 'This one is lost.',
          attachmentIds: [],
        }),
      ).rejects.toThrow();
    } finally {
      await w.db.execute(sql`alter table realtime_events_away rename to realtime_events`);
    }
    expect(broadcaster.events).toHaveLength(heard);

    // A read that does not move the marker broadcasts nothing; one that does, two events.
    const patient = { userId: w.people.patientA.id, basis: 'self' as const };
    await messaging.markRead(thread.id, patient, sent.message.sequence);
    expect(broadcaster.events.slice(heard).map((e) => e.type)).toEqual([
      'unread.changed',
      'thread.read',
    ]);
    await messaging.markRead(thread.id, patient, 1);
    expect(broadcaster.events).toHaveLength(heard + 2);
    const readEvents = await w.db
      .select()
      .from(realtimeEvents)
      .where(
        inArray(
          realtimeEvents.id,
          broadcaster.events.slice(heard).map((e) => e.id),
        ),
      );
    expect(readEvents).toHaveLength(2);
  });

  it("tells every staff member, admin and the patient's providers of a patient's message", async () => {
    const w = await messagingWorld(t);
    const broadcaster = recordingBroadcaster();
    const messaging = await messagingServiceOf(t, { broadcaster });
    const { created } = await messaging.startThread({
      threadId: randomUUID(),
      clinicId: w.clinic.id,
      patientId: w.people.patientA.id,
      viewer: { userId: w.people.patientA.id, basis: 'self' },
      subject: 'Side effects',
      body: 'The new pills make me dizzy.',
      attachmentIds: [],
    });
    const unreadRooms = broadcaster.events
      .filter((e) => e.type === 'unread.changed')
      .map((e) => [e.room, (e.payload as { unread: number }).unread]);
    expect(unreadRooms).toEqual(
      expect.arrayContaining([
        [`user:${w.people.patientA.id}`, 0],
        [`user:${w.people.staff.id}`, 1],
        [`user:${w.people.admin.id}`, 1],
        [`user:${w.people.careProvider.id}`, 1],
      ]),
    );
    expect(unreadRooms).toHaveLength(4);
    expect(unreadRooms.flat()).not.toContain(`user:${w.people.otherProvider.id}`);
    expect(created.thread.status).toBe('open');

    // Counts are each person's own: the staff member read the first message, the admin
    // did not, and the patient's own messages are never unread for them.
    await messaging.markRead(
      created.thread.id,
      { userId: w.people.staff.id, basis: 'clinic-staff' },
      created.message.sequence,
    );
    broadcaster.events.length = 0;
    await messaging.send({
      threadId: created.thread.id,
      messageId: randomUUID(),
      viewer: { userId: w.people.patientA.id, basis: 'self' },
      body: 'And a headache.',
      attachmentIds: [],
    });
    const counts = Object.fromEntries(
      broadcaster.events
        .filter((e) => e.type === 'unread.changed')
        .map((e) => [e.room, (e.payload as { unread: number }).unread]),
    );
    expect(counts).toEqual({
      [`user:${w.people.patientA.id}`]: 0,
      [`user:${w.people.staff.id}`]: 1,
      [`user:${w.people.admin.id}`]: 2,
      [`user:${w.people.careProvider.id}`]: 2,
    });
  });
});
