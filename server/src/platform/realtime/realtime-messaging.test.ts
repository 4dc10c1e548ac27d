import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../modules/audit/audit-tables.js';
import { sameOrigin } from '../../testing/test-app.js';
import {
  ask,
  client,
  connected,
  listeningApp,
  next,
  signedInPerson,
  type ListeningApp,
} from './realtime-test-kit.js';

/**
 * The wiring in app.ts: messaging decides who joins `thread:` and `clinic-inbox:` rooms,
 * the join of a thread is audited against its patient, and what the messaging service
 * broadcasts reaches the sockets in the room.
 */
describe('messaging rooms over the realtime layer', () => {
  let t: ListeningApp;
  const sockets: ClientSocket[] = [];
  const open = async (cookie: string) => {
    const socket = client(t.url, { cookie });
    sockets.push(socket);
    await connected(socket);
    return socket;
  };

  beforeAll(async () => {
    t = await listeningApp();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets the patient and the clinic staff into a thread room, not another patient', async () => {
    const patient = await signedInPerson(t, 'patient');
    const staff = await signedInPerson(t, 'staff', undefined, patient.clinicId);
    const otherPatient = await signedInPerson(t, 'patient', undefined, patient.clinicId);
    const started = await t.app.inject({
      method: 'POST',
      url: `/api/clinics/${patient.clinicId}/patients/${patient.userId}/threads`,
      headers: { cookie: patient.cookie, ...sameOrigin },
      payload: { subject: 'Question', body: 'A question for my care team' },
    });
    expect(started.statusCode, started.body).toBe(201);
    const threadId = started.json<{ thread: { id: string } }>().thread.id;
    const room = `thread:${threadId}`;

    const patientSocket = await open(patient.cookie);
    const staffSocket = await open(staff.cookie);
    const otherSocket = await open(otherPatient.cookie);
    expect(await ask(patientSocket, 'subscribe', { room })).toEqual({ ok: true });
    expect(await ask(staffSocket, 'subscribe', { room })).toEqual({ ok: true });
    expect(await ask(otherSocket, 'subscribe', { room })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    const inbox = `clinic-inbox:${patient.clinicId}`;
    expect(await ask(staffSocket, 'subscribe', { room: inbox })).toEqual({ ok: true });
    expect(await ask(patientSocket, 'subscribe', { room: inbox })).toEqual({
      ok: false,
      error: 'forbidden',
    });

    const joins = await t.testDatabase.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.resourceId, threadId), eq(auditEvents.action, 'read')));
    expect(
      joins.map((e) => ({
        actor: e.actorUserId,
        role: e.actorRole,
        patientId: e.patientId,
        organizationId: e.organizationId,
        outcome: e.outcome,
      })),
    ).toEqual(
      expect.arrayContaining([
        {
          actor: patient.userId,
          role: 'patient',
          patientId: patient.userId,
          organizationId: patient.clinicId,
          outcome: 'allowed',
        },
        {
          actor: staff.userId,
          role: 'staff',
          patientId: patient.userId,
          organizationId: patient.clinicId,
          outcome: 'allowed',
        },
      ]),
    );

    // A reply from the clinic reaches the patient's socket live, with its event id.
    const live = next<{ eventId: number; room: string }>(patientSocket, 'message.created');
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/clinics/${patient.clinicId}/threads/${threadId}/messages`,
      headers: { cookie: staff.cookie, ...sameOrigin },
      payload: { id: randomUUID(), body: 'We will call you today' },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    const event = await live;
    expect(event.room).toBe(room);
    expect(event.eventId).toEqual(expect.any(Number));
  });
});
