import { and, eq } from 'drizzle-orm';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../platform/clock.js';
import {
  ask,
  client,
  connected,
  listeningApp,
  next,
  until,
  type ListeningApp,
} from '../../platform/realtime/realtime-test-kit.js';
import { auditEvents } from '../audit/audit-tables.js';
import { visitWorld } from './visit-test-kit.js';

/**
 * The visit over the realtime layer: who joins `visit:<id>`, what reaches it, and the
 * signaling relay that carries WebRTC offers, answers and ICE candidates between the
 * visit's participants only (and only once the provider admitted the patient).
 */
describe('visit rooms and signaling', () => {
  let t: ListeningApp;
  const clock = manualClock(new Date('2026-11-26T15:00:00Z'));
  const sockets: ClientSocket[] = [];
  const open = async (cookie: string) => {
    const socket = client(t.url, { cookie });
    sockets.push(socket);
    await connected(socket);
    return socket;
  };

  beforeAll(async () => {
    t = await listeningApp({ clock });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  it('admits the patient and provider to the visit room, audits it, refuses everyone else', async () => {
    const w = await visitWorld(t, clock);
    const room = `visit:${w.visitId}`;
    const patient = await open(w.cookies.patient);
    const provider = await open(w.cookies.provider);
    expect(await ask(patient, 'subscribe', { room })).toEqual({ ok: true });
    expect(await ask(provider, 'subscribe', { room })).toEqual({ ok: true });
    for (const who of ['otherProvider', 'otherPatient', 'staff', 'outsider'] as const) {
      const socket = await open(w.cookies[who]);
      expect(await ask(socket, 'subscribe', { room }), who).toEqual({
        ok: false,
        error: 'forbidden',
      });
    }
    const joins = await w.db
      .select({ actor: auditEvents.actorUserId, patient: auditEvents.patientId })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.resourceType, 'visit'),
          eq(auditEvents.resourceId, w.visitId),
          eq(auditEvents.outcome, 'allowed'),
        ),
      );
    expect(joins).toEqual(
      expect.arrayContaining([
        { actor: w.people.patient.id, patient: w.people.patient.id },
        { actor: w.people.provider.id, patient: w.people.patient.id },
      ]),
    );

    // The patient's waiting-room page hears the provider admit them.
    const states: string[] = [];
    patient.on('visit.updated', (e: { visit: { state: string } }) => states.push(e.visit.state));
    await w.step('patient', 'check-in');
    await w.step('provider', 'admit');
    await until(() => states.includes('in-progress'));
    // A snapshot each time (the visit's room and the patient's own both carry it).
    expect([...new Set(states)]).toEqual(['waiting', 'in-progress']);
  });

  it('relays signals between the participants once the visit is under way, to no one else', async () => {
    const w = await visitWorld(t, clock);
    const room = `visit:${w.visitId}`;
    const patient = await open(w.cookies.patient);
    const provider = await open(w.cookies.provider);
    const stranger = await open(w.cookies.otherProvider);
    await ask(patient, 'subscribe', { room });
    await ask(provider, 'subscribe', { room });
    const strangerHeard: unknown[] = [];
    stranger.on('signal', (s) => strangerHeard.push(s));

    const offer = {
      visitId: w.visitId,
      to: w.people.patient.id,
      description: { type: 'offer', sdp: 'v=0\r\n' },
    };
    // Waiting is not enough: media starts when the provider admits.
    await w.step('patient', 'check-in');
    expect(await ask(provider, 'signal', offer)).toEqual({ ok: false, error: 'forbidden' });
    await w.step('provider', 'admit');

    const received = next<Record<string, unknown>>(patient, 'signal');
    expect(await ask(provider, 'signal', offer)).toEqual({ ok: true });
    expect(await received).toMatchObject({
      ...offer,
      from: w.people.provider.id,
      fromSocket: provider.id,
    });
    const answer = next<Record<string, unknown>>(provider, 'signal');
    const candidate = {
      visitId: w.visitId,
      to: w.people.provider.id,
      candidate: {
        candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
    };
    expect(await ask(patient, 'signal', candidate)).toEqual({ ok: true });
    expect(await answer).toMatchObject({
      candidate: candidate.candidate,
      from: w.people.patient.id,
    });

    // A non-participant cannot signal into the visit, joined or not; nor to a stranger.
    expect(await ask(stranger, 'signal', offer)).toEqual({ ok: false, error: 'forbidden' });
    expect(await ask(provider, 'signal', { ...offer, to: w.people.otherProvider.id })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(await ask(provider, 'signal', { visitId: w.visitId })).toEqual({
      ok: false,
      error: 'invalid',
    });

    // The provider ends the visit: both hear it, and signaling stops.
    const ended = next<{ visit: { state: string } }>(patient, 'visit.updated');
    await w.step('provider', 'end');
    expect((await ended).visit.state).toBe('completed');
    expect(await ask(provider, 'signal', offer)).toEqual({ ok: false, error: 'forbidden' });
    expect(strangerHeard).toEqual([]);
  });
});
