import { and, eq, inArray } from 'drizzle-orm';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAppointment, makeVisitType } from '../../modules/scheduling/appointment-test-kit.js';
import { auditEvents } from '../../modules/audit/audit-tables.js';
import {
  messagingWorld,
  seedThread,
  type MessagingWorld,
} from '../../modules/messaging/messaging-test-kit.js';
import {
  ask,
  client,
  connected,
  listeningApp,
  refusal,
  type ListeningApp,
} from './realtime-test-kit.js';
import { recordAndBroadcast } from './realtime-test-kit.js';

/**
 * The socket side of the authorization matrix (the HTTP side is platform/access-matrix.test.ts):
 * every room kind the app registers, joined by every kind of person, for patient A's data.
 * A room kind missing from the table fails the test, so a new kind (issue 8's `visit:`)
 * cannot ship without its expected answers written down here. For each row: who may join,
 * whether joins are audited against the patient, and that `resume` never hands a refused
 * person the room's events.
 */

type Persona = keyof MessagingWorld['people'];
const personas: Persona[] = [
  'patientA',
  'patientB',
  'careProvider',
  'otherProvider',
  'staff',
  'admin',
  'outsider',
];

type World = MessagingWorld & { threadOfA: string; visitOfA: string };

interface RoomCase {
  room: (w: World) => string;
  allowed: Persona[];
  /** The audit resource type of joins, when the room's events show patient data. */
  audited?: string;
}

const rooms: Record<string, RoomCase> = {
  user: { room: (w) => `user:${w.people.patientA.id}`, allowed: ['patientA'] },
  thread: {
    room: (w) => `thread:${w.threadOfA}`,
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    audited: 'message-thread',
  },
  // A video visit of patient A with the care provider: its two participants, nobody else.
  // Its admitted guests (no account, their own cookie) join it too; guests of other visits,
  // waiting or removed guests are refused: modules/visits/visit-guests.test.ts.
  visit: {
    room: (w) => `visit:${w.visitOfA}`,
    allowed: ['patientA', 'careProvider'],
    audited: 'visit',
  },
  // Its events carry ids only (message-events.ts), so every provider of the clinic may join.
  'clinic-inbox': {
    room: (w) => `clinic-inbox:${w.clinic.id}`,
    allowed: ['careProvider', 'otherProvider', 'staff', 'admin'],
  },
};

describe('socket access matrix: who may join which room', () => {
  let t: ListeningApp;
  let w: World;
  const sockets = new Map<Persona, ClientSocket>();

  beforeAll(async () => {
    t = await listeningApp();
    const world = await messagingWorld(t);
    const { thread } = await seedThread(world.db, {
      clinicId: world.clinic.id,
      patientId: world.people.patientA.id,
    });
    const visit = await makeAppointment(world.db, {
      clinicId: world.clinic.id,
      patientId: world.people.patientA.id,
      providerId: world.people.careProvider.id,
      visitTypeId: (await makeVisitType(world.db, world.clinic.id)).id,
      startsAt: new Date(Date.now() + 5 * 60_000),
    });
    w = { ...world, threadOfA: thread.id, visitOfA: visit.id };
    for (const persona of personas) {
      const socket = client(t.url, { cookie: w.cookies[persona] });
      await connected(socket);
      sockets.set(persona, socket);
    }
  });
  afterAll(async () => {
    for (const socket of sockets.values()) socket.close();
    await t.close();
  });

  it('lists every registered room kind', () => {
    expect(t.roomAccess.kinds().sort()).toEqual(Object.keys(rooms).sort());
  });

  it('refuses a socket without a session before any room is asked for', async () => {
    expect(await refusal(client(t.url))).not.toBe('connected');
  });

  for (const [kind, spec] of Object.entries(rooms)) {
    it(`${kind}: joins, refusals, their audit events and resume`, async () => {
      const room = spec.room(w);
      const answers: Partial<Record<Persona, unknown>> = {};
      for (const persona of personas) {
        answers[persona] = await ask(sockets.get(persona)!, 'subscribe', { room });
      }
      const expected = Object.fromEntries(
        personas.map((p) => [
          p,
          spec.allowed.includes(p) ? { ok: true } : { ok: false, error: 'forbidden' },
        ]),
      );
      expect(answers).toEqual(expected);

      // One event in the room: only the members get it back from `resume`.
      const [event] = await recordAndBroadcast(t, w.clinic.id, room, [{ probe: kind }]);
      for (const persona of personas) {
        const resumed = await ask(sockets.get(persona)!, 'resume', { since: event!.id - 1 });
        const ids = (resumed.events as { data: { eventId: number } }[]).map((e) => e.data.eventId);
        expect(ids.includes(event!.id), `${persona} resumed ${kind}`).toBe(
          spec.allowed.includes(persona),
        );
      }

      const idOf = room.slice(room.indexOf(':') + 1);
      const people = personas.map((p) => w.people[p].id);
      const joinEvents = () =>
        w.db
          .select({ actor: auditEvents.actorUserId, outcome: auditEvents.outcome })
          .from(auditEvents)
          .where(and(eq(auditEvents.resourceId, idOf), inArray(auditEvents.actorUserId, people)));
      if (!spec.audited) {
        expect(await joinEvents()).toEqual([]);
        return;
      }
      // Refusals are written after the answer (best effort): wait for all of them.
      const outcomeOf = (rows: { actor: string | null; outcome: string }[]) =>
        Object.fromEntries(
          personas.map((p) => [
            p,
            rows.filter((r) => r.actor === w.people[p].id).map((r) => r.outcome),
          ]),
        );
      await expect
        .poll(async () => outcomeOf(await joinEvents()), { timeout: 10_000 })
        .toEqual(
          Object.fromEntries(
            personas.map((p) => [p, [spec.allowed.includes(p) ? 'allowed' : 'denied']]),
          ),
        );
      const [allowedRow] = await w.db
        .select()
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.resourceId, idOf),
            eq(auditEvents.actorUserId, w.people[spec.allowed.at(-1)!].id),
          ),
        );
      expect(allowedRow).toMatchObject({
        action: 'read',
        resourceType: spec.audited,
        patientId: w.people.patientA.id,
        organizationId: w.clinic.id,
      });
    });
  }
});
