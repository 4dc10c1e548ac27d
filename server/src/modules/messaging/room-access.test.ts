import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakGlassGrants } from '../../db/schema/index.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { signedInCookie } from '../../testing/sessions.js';
import { messagingWorld, seedThread } from './messaging-test-kit.js';

describe('who may join messaging rooms (the socket layer asks)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it('admits to a thread exactly those who may read it over HTTP', async () => {
    const w = await messagingWorld(t);
    const { thread } = await seedThread(w.db, {
      clinicId: w.clinic.id,
      patientId: w.people.patientA.id,
    });
    const rooms = t.messagingRooms;
    const at = (person: { id: string }, roles: string[], clinicId = w.clinic.id) => ({
      userId: person.id,
      clinicId,
      roles,
    });
    const room = `thread:${thread.id}`;
    expect(await rooms.mayJoin(at(w.people.patientA, ['patient']), room)).toBe(true);
    expect(await rooms.mayJoin(at(w.people.staff, ['staff']), room)).toBe(true);
    expect(await rooms.mayJoin(at(w.people.admin, ['admin']), room)).toBe(true);
    expect(await rooms.mayJoin(at(w.people.careProvider, ['provider']), room)).toBe(true);
    expect(await rooms.mayJoin(at(w.people.patientB, ['patient']), room)).toBe(false);
    expect(await rooms.mayJoin(at(w.people.otherProvider, ['provider']), room)).toBe(false);
    // Roles claimed at another clinic do not count here, nor the same person elsewhere.
    expect(
      await rooms.mayJoin(at(w.people.outsider, ['admin', 'staff'], w.otherClinic.id), room),
    ).toBe(false);
    expect(await rooms.mayJoin(at(w.people.staff, ['staff'], w.otherClinic.id), room)).toBe(false);
    // Nonsense and unknown rooms: no.
    expect(await rooms.mayJoin(at(w.people.staff, ['staff']), 'thread:not-a-uuid')).toBe(false);
    expect(await rooms.mayJoin(at(w.people.staff, ['staff']), `thread:${randomUUID()}`)).toBe(
      false,
    );
    expect(await rooms.mayJoin(at(w.people.staff, ['staff']), `visit:${thread.id}`)).toBe(false);
    expect(await rooms.mayJoin(at(w.people.staff, ['staff']), 'nothing')).toBe(false);

    // Emergency access opens the thread to that provider, as it opens the chart.
    const session = await signedInCookie(t, w.people.otherProvider.id);
    await w.db.insert(breakGlassGrants).values({
      organizationId: w.clinic.id,
      patientUserId: w.people.patientA.id,
      providerUserId: w.people.otherProvider.id,
      sessionId: session.sessionId,
      reason: 'Covering tonight for a colleague.',
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect(await rooms.mayJoin(at(w.people.otherProvider, ['provider']), room)).toBe(true);
  });

  it("admits the clinic's care team to its inbox room, never patients or other clinics", async () => {
    const w = await messagingWorld(t);
    const inbox = `clinic-inbox:${w.clinic.id}`;
    const rooms = t.messagingRooms;
    const join = (roles: string[], clinicId = w.clinic.id, room = inbox) =>
      rooms.mayJoin({ userId: w.people.staff.id, clinicId, roles }, room);
    expect(await join(['staff'])).toBe(true);
    expect(await join(['admin'])).toBe(true);
    expect(await join(['provider'])).toBe(true);
    expect(await join(['patient'])).toBe(false);
    expect(await join(['staff'], w.otherClinic.id)).toBe(false);
    expect(await join(['staff'], w.clinic.id, `clinic-inbox:${w.otherClinic.id}`)).toBe(false);
  });
});
