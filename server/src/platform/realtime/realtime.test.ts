import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema/index.js';
import { auditEvents } from '../../modules/audit/audit-tables.js';
import { sameOrigin } from '../../testing/test-app.js';
import { manualClock } from '../clock.js';
import { RESUME_PAGE } from './realtime-server.js';
import {
  ask,
  client,
  connected,
  listeningApp,
  next,
  recordAndBroadcast,
  refusal,
  signedInPerson,
  until,
  type ListeningApp,
} from './realtime-test-kit.js';

const ALLOWED_ORIGIN = 'https://portal.clinic.example';

describe('realtime layer (Socket.IO)', () => {
  let t: ListeningApp;
  /** Who may join `test-room:<id>`: the test says, per room. */
  const testRoomMembers = new Map<string, Set<string>>();
  const sockets: ClientSocket[] = [];
  const open = (...args: Parameters<typeof client>) => {
    const socket = client(...args);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    t = await listeningApp({
      env: { CORS_ORIGINS: ALLOWED_ORIGIN },
      realtimeServer: {
        recheckIntervalMs: 200,
        eventBudget: { capacity: 12, refillMs: 60_000 },
        abuseLimit: 3,
      },
    });
    t.roomAccess.registerRoomKind('test-room', {
      auditResource: 'test-record',
      async authorize(person, id) {
        if (!testRoomMembers.get(id)?.has(person.userId)) return undefined;
        return { organizationId: undefined, patientId: person.userId, basis: 'self' };
      },
    });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A room only the given people may join. */
  const roomFor = (...userIds: string[]) => {
    const id = randomUUID();
    testRoomMembers.set(id, new Set(userIds));
    return `test-room:${id}`;
  };

  describe('connecting', () => {
    it('refuses a socket without a session cookie, or with one that is not valid', async () => {
      expect(await refusal(open(t.url))).toBe('unauthorized');
      expect(await refusal(open(t.url, { cookie: 'ov_session=not-a-real-token' }))).toBe(
        'unauthorized',
      );
      const { cookie } = await signedInPerson(t);
      const socket = open(t.url, { cookie });
      await connected(socket);
      expect(socket.connected).toBe(true);
    });

    it('refuses a socket opened from another site, or without any Origin', async () => {
      const { cookie } = await signedInPerson(t);
      expect(await refusal(open(t.url, { cookie, origin: 'https://evil.example' }))).toBe(
        'origin-not-allowed',
      );
      expect(await refusal(open(t.url, { cookie, origin: null }))).toBe('origin-not-allowed');
      // CORS_ORIGINS is trusted exactly as for HTTP requests.
      expect(await refusal(open(t.url, { cookie, origin: ALLOWED_ORIGIN }))).toBe('connected');
    });

    it('refuses long-polling: browsers omit Origin on it, and it would need sticky sessions', async () => {
      const response = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, {
        headers: { origin: t.url },
      });
      expect(response.status).toBe(400);
    });
  });

  describe('sessions', () => {
    it('disconnects the socket with session-ended once the person signs out over HTTP', async () => {
      const { cookie } = await signedInPerson(t);
      const socket = open(t.url, { cookie });
      await connected(socket);
      const ended = next(socket, 'session-ended', 3_000);
      const gone = next<string>(socket, 'disconnect', 3_000);
      const logout = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie, ...sameOrigin },
      });
      expect(logout.statusCode).toBe(204);
      await ended;
      expect(await gone).toBe('io server disconnect');
      // ...and it cannot come back with the ended session.
      expect(await refusal(open(t.url, { cookie }))).toBe('unauthorized');
    });

    it('answers session-ended to an event sent after the session was revoked', async () => {
      const person = await signedInPerson(t);
      const socket = open(t.url, { cookie: person.cookie });
      await connected(socket);
      const ended = next(socket, 'session-ended', 3_000);
      await t.testDatabase.database.db
        .update(sessions)
        .set({ revokedAt: new Date(), revokedReason: 'revoked' })
        .where(eq(sessions.id, person.sessionId));
      const answer = await ask(socket, 'resume', { since: 0 }).catch(() => ({ ok: false }));
      // Either the event's own check or the periodic one got there first: both end it.
      expect(answer.ok).toBe(false);
      await ended;
    });
  });

  describe('rooms', () => {
    it("joins the person's own room, and refuses someone else's", async () => {
      const alice = await signedInPerson(t);
      const bob = await signedInPerson(t);
      const socket = open(t.url, { cookie: alice.cookie });
      await connected(socket);
      expect(await ask(socket, 'subscribe', { room: `user:${alice.userId}` })).toEqual({
        ok: true,
      });
      expect(await ask(socket, 'subscribe', { room: `user:${bob.userId}` })).toEqual({
        ok: false,
        error: 'forbidden',
      });
      expect(await ask(socket, 'subscribe', { room: 'no-such-kind:1' })).toEqual({
        ok: false,
        error: 'forbidden',
      });
      expect(await ask(socket, 'subscribe', { room: 'not a room' })).toEqual({
        ok: false,
        error: 'invalid',
      });
      expect(await ask(socket, 'subscribe', { room: `thread:${randomUUID()}` })).toEqual({
        ok: false,
        error: 'forbidden',
      });
      expect(await ask(socket, 'no-such-event', {})).toEqual({
        ok: false,
        error: 'unknown-event',
      });

      // Events for Alice's own room reach her without subscribing.
      const personal = next(socket, 'unread.changed');
      await recordAndBroadcast(
        t,
        alice.clinicId,
        `user:${alice.userId}`,
        [{ unread: 2 }],
        'unread.changed',
      );
      expect(await personal).toMatchObject({ unread: 2, room: `user:${alice.userId}` });
    });

    it('lets members into a room, audits the join, and broadcasts reach members only', async () => {
      const member = await signedInPerson(t);
      const outsider = await signedInPerson(t);
      const room = roomFor(member.userId);
      const memberSocket = open(t.url, { cookie: member.cookie });
      const outsiderSocket = open(t.url, { cookie: outsider.cookie });
      await Promise.all([connected(memberSocket), connected(outsiderSocket)]);

      expect(await ask(memberSocket, 'subscribe', { room })).toEqual({ ok: true });
      expect(await ask(outsiderSocket, 'subscribe', { room })).toEqual({
        ok: false,
        error: 'forbidden',
      });

      const db = t.testDatabase.database.db;
      const roomId = room.split(':')[1]!;
      const joined = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.resourceId, roomId), eq(auditEvents.actorUserId, member.userId)));
      expect(joined).toEqual([
        expect.objectContaining({
          action: 'read',
          outcome: 'allowed',
          actorUserId: member.userId,
          patientId: member.userId,
          sessionId: member.sessionId,
          basis: 'self',
          clientIp: '127.0.0.1',
        }),
      ]);
      // The refusal is recorded too (after the answer: best effort).
      await expect
        .poll(async () =>
          (
            await db
              .select()
              .from(auditEvents)
              .where(
                and(
                  eq(auditEvents.resourceId, roomId),
                  eq(auditEvents.actorUserId, outsider.userId),
                ),
              )
          ).map((e) => e.outcome),
        )
        .toEqual(['denied']);

      const outsiderGot: unknown[] = [];
      outsiderSocket.onAny((...args) => outsiderGot.push(args));
      const received = next(memberSocket, 'test.happened');
      const [event] = await recordAndBroadcast(t, member.clinicId, room, [{ note: 'ids only' }]);
      expect(await received).toEqual({ note: 'ids only', eventId: event!.id, room });
      // The outsider's socket is alive and hears its own room, never the member's.
      const own = next(outsiderSocket, 'test.happened');
      await recordAndBroadcast(t, outsider.clinicId, `user:${outsider.userId}`, [{ n: 1 }]);
      await own;
      expect(outsiderGot).toHaveLength(1);

      // After leaving, nothing more arrives.
      expect(await ask(memberSocket, 'unsubscribe', { room })).toEqual({ ok: true });
      expect(await ask(memberSocket, 'unsubscribe', { room: `user:${member.userId}` })).toEqual({
        ok: false,
        error: 'invalid',
      });
      const after: unknown[] = [];
      memberSocket.onAny((...args) => after.push(args));
      await recordAndBroadcast(t, member.clinicId, room, [{ n: 2 }]);
      const marker = next(memberSocket, 'marker');
      await recordAndBroadcast(t, member.clinicId, `user:${member.userId}`, [{}], 'marker');
      await marker;
      expect(after).toHaveLength(1);
    });

    it('carries a relayed client event (as signaling will) to the other members only', async () => {
      const [caller, callee, stranger] = await Promise.all([
        signedInPerson(t),
        signedInPerson(t),
        signedInPerson(t),
      ]);
      const room = roomFor(caller.userId, callee.userId);
      const [a, b, c] = [caller, callee, stranger].map((p) => open(t.url, { cookie: p.cookie }));
      await Promise.all([a, b, c].map((s) => connected(s!)));
      await ask(a!, 'subscribe', { room });
      await ask(b!, 'subscribe', { room });
      // Registered after the sockets connected: it reaches them all the same.
      const server = t.realtimeServer!;
      server.handle(
        'test-signal',
        async (context, data) => {
          const { room: target, sdp } = data as { room: string; sdp: string };
          if (!context.rooms.has(target)) return { ok: false, error: 'forbidden' };
          server.emit(
            target,
            'test-signal',
            { from: context.socketId, sdp },
            {
              exceptSocket: context.socketId,
            },
          );
          return { ok: true };
        },
        { budget: { capacity: 50, refillMs: 1_000 } },
      );
      const heard: unknown[] = [];
      a!.on('test-signal', (d) => heard.push(d));
      c!.on('test-signal', (d) => heard.push(d));
      const relayed = next(b!, 'test-signal');
      expect(await ask(a!, 'test-signal', { room, sdp: 'v=0' })).toEqual({ ok: true });
      expect(await relayed).toEqual({ from: a!.id, sdp: 'v=0' });
      expect(await ask(c!, 'test-signal', { room, sdp: 'v=0' })).toEqual({
        ok: false,
        error: 'forbidden',
      });
      // Its own budget: a burst beyond the default one's 12 is fine.
      for (let i = 0; i < 20; i += 1) a!.emit('test-signal', { room, sdp: `candidate ${i}` });
      expect((await ask(a!, 'test-signal', { room, sdp: 'last' })).ok).toBe(true);
      expect(heard).toEqual([]);
    });

    it('counts sockets and broadcasts in the metrics, and logs no payload', async () => {
      const person = await signedInPerson(t);
      const socket = open(t.url, { cookie: person.cookie });
      await connected(socket);
      const got = next(socket, 'canary.event');
      await recordAndBroadcast(
        t,
        person.clinicId,
        `user:${person.userId}`,
        [{ text: 'CANARY-Zebulon-Quixote' }],
        'canary.event',
      );
      await got;
      const metrics = await t.metrics.registry.metrics();
      expect(metrics).toMatch(/openvisit_realtime_sockets [1-9]/);
      expect(metrics).toMatch(/openvisit_realtime_broadcasts_total\{room_kind="user"\} [1-9]/);
      expect(t.rawLogs.join('\n')).not.toContain('CANARY-Zebulon-Quixote');
      expect(t.rawLogs.join('\n')).not.toContain(person.cookie.split('=')[1]);
    });
  });

  describe('catching up', () => {
    it('resumes the events recorded while the client was away, oldest first, by page', async () => {
      const person = await signedInPerson(t);
      const room = roomFor(person.userId);
      let socket = open(t.url, { cookie: person.cookie });
      await connected(socket);
      await ask(socket, 'subscribe', { room });
      const first = next<{ eventId: number }>(socket, 'test.happened');
      await recordAndBroadcast(t, person.clinicId, room, [{ n: 0 }]);
      const lastSeen = (await first).eventId;
      socket.close();

      const missed = await recordAndBroadcast(
        t,
        person.clinicId,
        room,
        Array.from({ length: RESUME_PAGE + 2 }, (_, n) => ({ n: n + 1 })),
      );
      socket = open(t.url, { cookie: person.cookie });
      await connected(socket);
      // Resume covers only the rooms this socket is in: none but its own yet.
      const before = await ask(socket, 'resume', { since: lastSeen });
      expect(before).toEqual({ ok: true, events: [], more: false });

      await ask(socket, 'subscribe', { room });
      const page1 = await ask(socket, 'resume', { since: lastSeen });
      const events1 = page1.events as { type: string; data: { eventId: number; n: number } }[];
      expect(page1.more).toBe(true);
      expect(events1).toHaveLength(RESUME_PAGE);
      expect(events1[0]).toEqual({
        type: 'test.happened',
        data: { n: 1, eventId: missed[0]!.id, room },
      });
      const page2 = await ask(socket, 'resume', { since: events1.at(-1)!.data.eventId });
      const events2 = page2.events as { data: { eventId: number } }[];
      expect(page2.more).toBe(false);
      const ids = [...events1, ...events2].map((e) => e.data.eventId);
      expect(ids).toEqual(missed.map((e) => e.id));

      expect(await ask(socket, 'resume', { since: -1 })).toEqual({ ok: false, error: 'invalid' });
      expect(await ask(socket, 'resume', {})).toEqual({ ok: false, error: 'invalid' });
    });

    it('recovers a dropped connection with its rooms; recovery and resume overlap by eventId only', async () => {
      const person = await signedInPerson(t);
      const room = roomFor(person.userId);
      const socket = open(t.url, { cookie: person.cookie, reconnection: true });
      await connected(socket);
      await ask(socket, 'subscribe', { room });
      const seen: number[] = [];
      socket.on('test.happened', (data: { eventId: number }) => seen.push(data.eventId));
      await recordAndBroadcast(t, person.clinicId, room, [{ n: 0 }]);
      await until(() => seen.length === 1);
      const lastSeen = seen[0]!;

      // The network drops (the server side sees the transport close).
      const serverSocket = t.realtimeServer!.io.of('/').sockets.get(socket.id!)!;
      const dropped = next(socket, 'disconnect');
      serverSocket.conn.close();
      await dropped;
      const missed = await recordAndBroadcast(t, person.clinicId, room, [
        { n: 1 },
        { n: 2 },
        { n: 3 },
      ]);

      await next(socket, 'connect', 5_000);
      expect(socket.recovered).toBe(true);
      // Recovery brings the missed events back without asking...
      await until(() => seen.length === 4);
      // ...and resume (which the client always does after a reconnect) brings them again.
      const resumed = await ask(socket, 'resume', { since: lastSeen });
      const resumedIds = (resumed.events as { data: { eventId: number } }[]).map(
        (e) => e.data.eventId,
      );
      const expected = missed.map((e) => e.id);
      expect(resumedIds).toEqual(expected);
      expect(seen.slice(1)).toEqual(expected);
      // Deduplicated by eventId, the client shows each exactly once.
      expect([...new Set([...seen, ...resumedIds])]).toEqual([lastSeen, ...expected]);

      // The room survived recovery: new events still arrive.
      const more = await recordAndBroadcast(t, person.clinicId, room, [{ n: 4 }]);
      await until(() => seen.includes(more[0]!.id));
    });

    it('does not restore a room the person may no longer join, nor its missed events', async () => {
      const person = await signedInPerson(t);
      const room = roomFor(person.userId);
      const socket = open(t.url, { cookie: person.cookie, reconnection: true });
      await connected(socket);
      await ask(socket, 'subscribe', { room });
      const seen: unknown[] = [];
      socket.on('test.happened', (data) => seen.push(data));
      // (A client recovers from the last event it received: it has received one.)
      const first = next(socket, 'marker');
      await recordAndBroadcast(t, person.clinicId, `user:${person.userId}`, [{}], 'marker');
      await first;

      const dropped = next(socket, 'disconnect');
      t.realtimeServer!.io.of('/').sockets.get(socket.id!)!.conn.close();
      await dropped;
      testRoomMembers.get(room.split(':')[1]!)!.delete(person.userId);
      await recordAndBroadcast(t, person.clinicId, room, [{ n: 1 }]);

      await next(socket, 'connect', 5_000);
      expect(socket.recovered).toBe(true);
      const marker = next(socket, 'marker');
      await recordAndBroadcast(t, person.clinicId, `user:${person.userId}`, [{}], 'marker');
      await marker;
      expect(seen).toEqual([]);
      const resumed = await ask(socket, 'resume', { since: 0 });
      expect(
        (resumed.events as { data: { room: string } }[]).map((e) => e.data.room),
      ).not.toContain(room);
    });
  });

  describe('rate limit', () => {
    it("limits each person's events across their sockets, then drops a socket that keeps on", async () => {
      const person = await signedInPerson(t);
      const one = open(t.url, { cookie: person.cookie });
      const two = open(t.url, { cookie: person.cookie });
      await Promise.all([connected(one), connected(two)]);
      // The budget (12) is shared by both sockets of the same person.
      for (let i = 0; i < 6; i += 1) {
        expect((await ask(one, 'resume', { since: 0 })).ok).toBe(true);
        expect((await ask(two, 'resume', { since: 0 })).ok).toBe(true);
      }
      expect(await ask(one, 'resume', { since: 0 })).toEqual({ ok: false, error: 'rate-limited' });
      expect(await ask(two, 'resume', { since: 0 })).toEqual({ ok: false, error: 'rate-limited' });

      // Someone else is not affected.
      const other = await signedInPerson(t);
      const theirs = open(t.url, { cookie: other.cookie });
      await connected(theirs);
      expect((await ask(theirs, 'resume', { since: 0 })).ok).toBe(true);

      // Keeping on after being refused gets the socket dropped.
      const gone = next<string>(one, 'disconnect');
      one.emit('resume', { since: 0 });
      one.emit('resume', { since: 0 });
      expect(await gone).toBe('io server disconnect');
      expect(two.connected).toBe(true);
      expect(await t.metrics.registry.metrics()).toMatch(
        /openvisit_realtime_refused_total\{reason="rate-limited"\} [1-9]/,
      );
    });
  });
});

describe('realtime sessions on a moving clock', () => {
  let t: ListeningApp;
  const clock = manualClock(new Date());
  beforeAll(async () => {
    t = await listeningApp({ clock, realtimeServer: { recheckIntervalMs: 60_000 } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a connected socket does not keep an idle session alive', async () => {
    const person = await signedInPerson(t, 'patient', clock);
    const socket = client(t.url, { cookie: person.cookie });
    try {
      await connected(socket);
      const db = t.testDatabase.database.db;
      const lastSeen = async () =>
        (await db.select().from(sessions).where(eq(sessions.id, person.sessionId)))[0]!.lastSeenAt;
      const started = await lastSeen();

      // 20 minutes of socket traffic and re-checks: no activity is recorded.
      clock.advance(20 * 60_000);
      await t.realtimeServer!.recheckSessions();
      expect((await ask(socket, 'resume', { since: 0 })).ok).toBe(true);
      expect(await lastSeen()).toEqual(started);

      // Past the patient's 30 idle minutes the session ends, and the socket with it.
      const ended = next(socket, 'session-ended');
      clock.advance(11 * 60_000);
      await t.realtimeServer!.recheckSessions();
      await ended;
      const [row] = await db.select().from(sessions).where(eq(sessions.id, person.sessionId));
      expect(row!.revokedReason).toBe('idle');
    } finally {
      socket.close();
    }
  });
});
