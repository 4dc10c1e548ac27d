import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visit } from '@openvisit/contracts';
import { appointments, realtimeEvents } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { auditEvents } from '../audit/audit-tables.js';
import { visitWorld } from './visit-test-kit.js';

describe('the visit lifecycle, enforced on the server', () => {
  let t: TestApp;
  const clock = manualClock(new Date('2026-11-26T15:00:00Z'));
  beforeAll(async () => {
    t = await buildTestApp({ clock });
  });
  afterAll(() => t.close());

  const state = (res: { json: <T>() => T }) => res.json<Visit>().state;

  it('runs scheduled → waiting → in progress → completed, timestamped, audited, announced', async () => {
    const w = await visitWorld(t, clock);
    expect(state(await w.get('patient'))).toBe('scheduled');

    const checkedIn = await w.step('patient', 'check-in');
    expect(checkedIn.statusCode, checkedIn.body).toBe(200);
    expect(checkedIn.json<Visit>()).toMatchObject({
      state: 'waiting',
      checkedInAt: clock.now().toISOString(),
      admittedAt: null,
    });
    // The provider's waiting room lists the patient, with when they arrived.
    const queue = await w.call('provider', 'GET', '/waiting-room');
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json<{ visits: Visit[] }>().visits.map((v) => [v.id, v.state])).toEqual([
      [w.visitId, 'waiting'],
    ]);
    // ...and the provider can tell them they are running late.
    const note = await w.call('provider', 'PUT', `/visits/${w.visitId}/waiting-note`, {
      note: 'Running about 5 minutes late, sorry!',
    });
    expect(note.statusCode, note.body).toBe(200);
    expect((await w.get('patient')).json<Visit>().providerNote).toBe(
      'Running about 5 minutes late, sorry!',
    );

    clock.advance(4 * 60_000);
    const admitted = await w.step('provider', 'admit');
    expect(admitted.statusCode, admitted.body).toBe(200);
    expect(admitted.json<Visit>()).toMatchObject({
      state: 'in-progress',
      admittedAt: clock.now().toISOString(),
    });

    clock.advance(12 * 60_000);
    const ended = await w.step('provider', 'end');
    expect(ended.statusCode, ended.body).toBe(200);
    const visit = ended.json<Visit>();
    expect(visit).toMatchObject({ state: 'completed', endedAt: clock.now().toISOString() });
    // Wait time and duration follow from the stored times.
    expect(Date.parse(visit.admittedAt!) - Date.parse(visit.checkedInAt!)).toBe(4 * 60_000);
    expect(Date.parse(visit.endedAt!) - Date.parse(visit.admittedAt!)).toBe(12 * 60_000);
    const [appointment] = await w.db
      .select({ status: appointments.status })
      .from(appointments)
      .where(eq(appointments.id, w.visitId));
    expect(appointment!.status).toBe('completed');
    expect(
      (await w.call('provider', 'GET', '/waiting-room')).json<{ visits: Visit[] }>().visits,
    ).toEqual([]);

    // Every transition is an audited update of the visit, for its patient.
    await t.auditWriter.flush();
    const audited = await w.db
      .select({ actor: auditEvents.actorUserId, action: auditEvents.action })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.resourceType, 'visit'),
          eq(auditEvents.resourceId, w.visitId),
          eq(auditEvents.action, 'update'),
          eq(auditEvents.outcome, 'allowed'),
        ),
      );
    expect(audited.map((a) => a.actor).sort()).toEqual(
      [
        w.people.patient.id,
        w.people.provider.id,
        w.people.provider.id,
        w.people.provider.id,
      ].sort(),
    );
    // Each change reached both people's own rooms with the visit; the call's room (guests
    // may be in it) heard only its state and participants.
    const heard = async (room: string) =>
      (
        await w.db
          .select({ type: realtimeEvents.type, payload: realtimeEvents.payload })
          .from(realtimeEvents)
          .where(eq(realtimeEvents.room, room))
          .orderBy(realtimeEvents.id)
      ).map((e) => ({ type: e.type, payload: e.payload as Record<string, { state: string }> }));
    for (const person of [w.people.patient.id, w.people.provider.id]) {
      expect((await heard(`user:${person}`)).map((e) => e.payload.visit!.state)).toEqual([
        'waiting',
        'waiting',
        'in-progress',
        'completed',
      ]);
    }
    const call = await heard(`visit:${w.visitId}`);
    expect(call.map((e) => [e.type, e.payload.call!.state])).toEqual([
      ['visit.participants', 'waiting'],
      ['visit.participants', 'waiting'],
      ['visit.participants', 'in-progress'],
      ['visit.participants', 'completed'],
    ]);
    expect(JSON.stringify(call)).not.toContain(w.people.patient.displayName);
  });

  it('refuses steps out of order with 409, and answers a retried step the same', async () => {
    const w = await visitWorld(t, clock);
    const refused = async (res: Awaited<ReturnType<typeof w.step>>, type = 'visit-state') => {
      expect(res.statusCode, res.body).toBe(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json<{ type: string }>().type).toContain(type);
    };
    await refused(await w.step('provider', 'admit'));
    await refused(await w.step('provider', 'end'));
    expect((await w.step('patient', 'check-in')).statusCode).toBe(200);
    const again = await w.step('patient', 'check-in');
    expect(again.statusCode).toBe(200);
    expect(state(again)).toBe('waiting');
    await refused(await w.step('provider', 'end'));
    expect((await w.step('provider', 'admit')).statusCode).toBe(200);
    expect(state(await w.step('provider', 'admit'))).toBe('in-progress');
    await refused(await w.step('patient', 'check-in'));
    expect((await w.step('provider', 'end')).statusCode).toBe(200);
    expect(state(await w.step('provider', 'end'))).toBe('completed');
    await refused(await w.step('provider', 'admit'));
    await refused(await w.step('patient', 'check-in'));
    // Scheduling sees a completed appointment: it cannot be cancelled either.
    await refused(await w.cancel('staff'), 'appointment-not-changeable');
  });

  it('opens check-in 15 minutes before the start, and not for a cancelled or missed visit', async () => {
    const w = await visitWorld(t, clock, 20);
    const early = await w.step('patient', 'check-in');
    expect(early.statusCode).toBe(409);
    expect(early.json<{ type: string; detail: string }>()).toMatchObject({
      detail: 'Check-in opens 15 minutes before the visit starts.',
    });
    expect(state(await w.get('patient'))).toBe('scheduled');

    const cancelledVisit = await w.newVisit(5);
    expect((await w.cancel('staff', cancelledVisit)).statusCode).toBe(200);
    const late = await w.step('patient', 'check-in', cancelledVisit);
    expect(late.statusCode).toBe(409);
    expect(state(await w.get('patient', cancelledVisit))).toBe('cancelled');
  });

  it('lets only the patient check in and only the visit’s provider admit and end', async () => {
    const w = await visitWorld(t, clock);
    for (const who of ['staff', 'provider', 'otherPatient', 'outsider'] as const) {
      expect([403, 404]).toContain((await w.step(who, 'check-in')).statusCode);
    }
    expect((await w.step('patient', 'check-in')).statusCode).toBe(200);
    for (const who of ['patient', 'staff', 'otherProvider', 'otherPatient', 'outsider'] as const) {
      const res = await w.step(who, 'admit');
      expect([403, 404], `${who}: ${res.body}`).toContain(res.statusCode);
    }
    expect(state(await w.get('staff'))).toBe('waiting');
    // The other provider's own waiting room does not list this patient; staff see all.
    const theirs = await w.call('otherProvider', 'GET', '/waiting-room');
    expect(theirs.json<{ visits: Visit[] }>().visits).toEqual([]);
    const clinicWide = await w.call('staff', 'GET', '/waiting-room');
    expect(clinicWide.json<{ visits: Visit[] }>().visits.map((v) => v.id)).toContain(w.visitId);
  });

  it('keeps scheduling from cancelling a visit under way; a waiting patient hears a cancellation', async () => {
    const w = await visitWorld(t, clock);
    expect((await w.step('patient', 'check-in')).statusCode).toBe(200);
    // Present, so not a no-show.
    const noShow = await w.call(
      'staff',
      'POST',
      `/patients/${w.people.patient.id}/appointments/${w.visitId}/no-show`,
    );
    expect(noShow.statusCode, noShow.body).toBe(409);
    expect((await w.cancel('staff')).statusCode).toBe(200);
    expect(state(await w.get('patient'))).toBe('cancelled');
    await expect
      .poll(async () =>
        (
          await w.db
            .select({ payload: realtimeEvents.payload })
            .from(realtimeEvents)
            .where(eq(realtimeEvents.room, `user:${w.people.patient.id}`))
        ).map((e) => (e.payload as { visit?: Visit }).visit?.state),
      )
      .toContain('cancelled');

    const started = await w.newVisit(8);
    await w.step('patient', 'check-in', started);
    await w.step('provider', 'admit', started);
    const cancel = await w.cancel('staff', started);
    expect(cancel.statusCode, cancel.body).toBe(409);
    expect(state(await w.get('patient', started))).toBe('in-progress');
  });

  it('admits or cancels, never both, when the two race', async () => {
    const w = await visitWorld(t, clock);
    const ids = await Promise.all([w.newVisit(3), w.newVisit(4), w.newVisit(6)]);
    for (const id of ids) await w.step('patient', 'check-in', id);
    const results = await Promise.all(
      ids.flatMap((id) => [w.step('provider', 'admit', id), w.cancel('staff', id)]),
    );
    for (let i = 0; i < ids.length; i += 1) {
      const [admit, cancel] = [results[2 * i]!, results[2 * i + 1]!];
      const final = state(await w.get('provider', ids[i]));
      if (final === 'in-progress') {
        expect(admit.statusCode).toBe(200);
        expect(cancel.statusCode).toBe(409);
      } else {
        expect(final).toBe('cancelled');
        expect(cancel.statusCode).toBe(200);
        expect(admit.statusCode).toBe(409);
      }
    }
    const rows = await w.db
      .select({ status: appointments.status })
      .from(appointments)
      .where(inArray(appointments.id, ids));
    expect(rows).toHaveLength(3);
  });

  it('keeps the visit chat to its two participants while it is under way', async () => {
    const w = await visitWorld(t, clock);
    const send = (
      who: 'patient' | 'provider' | 'otherProvider' | 'staff',
      body: string,
      id = randomUUID(),
    ) => w.call(who, 'POST', `/visits/${w.visitId}/chat`, { id, body });
    expect((await send('patient', 'Hello?')).statusCode).toBe(409);
    await w.step('patient', 'check-in');
    await w.step('provider', 'admit');
    const id = randomUUID();
    const first = await send('patient', 'Here is the link: https://example.org/log', id);
    expect(first.statusCode, first.body).toBe(201);
    expect(
      (await send('patient', 'Here is the link: https://example.org/log', id)).statusCode,
    ).toBe(200);
    expect((await send('patient', 'Something else', id)).statusCode).toBe(409);
    expect((await send('provider', 'Thanks, got it.')).statusCode).toBe(201);
    for (const who of ['otherProvider', 'staff'] as const) {
      expect([403, 404]).toContain((await send(who, 'Hi')).statusCode);
      expect([403, 404]).toContain(
        (await w.call(who, 'GET', `/visits/${w.visitId}/chat`)).statusCode,
      );
    }
    const chat = await w.call('provider', 'GET', `/visits/${w.visitId}/chat`);
    expect(chat.json<{ messages: { body: string; sender: { id: string } }[] }>().messages).toEqual([
      expect.objectContaining({
        body: 'Here is the link: https://example.org/log',
        sender: expect.objectContaining({ id: w.people.patient.id }),
      }),
      expect.objectContaining({ body: 'Thanks, got it.' }),
    ]);
    const blank = await send('patient', '   ');
    expect(blank.statusCode).toBe(400);
  });

  it('gives ICE servers to the participants of an open visit only, never cached', async () => {
    const w = await visitWorld(t, clock);
    const ice = (who: 'patient' | 'provider' | 'otherProvider' | 'staff') =>
      w.call(who, 'GET', `/visits/${w.visitId}/ice-servers`);
    expect((await ice('patient')).statusCode).toBe(409);
    await w.step('patient', 'check-in');
    const answer = await ice('patient');
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.json<{ iceServers: unknown[] }>().iceServers).toBeInstanceOf(Array);
    expect((await ice('provider')).statusCode).toBe(200);
    for (const who of ['otherProvider', 'staff'] as const) {
      expect([403, 404]).toContain((await ice(who)).statusCode);
    }
  });
});
