import { and, eq } from 'drizzle-orm';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GuestVisit, VisitGuest } from '@openvisit/contracts';
import { manualClock } from '../../platform/clock.js';
import {
  ask,
  client,
  connected,
  listeningApp,
  next,
  refusal,
  type ListeningApp,
} from '../../platform/realtime/realtime-test-kit.js';
import { sameOrigin } from '../../testing/test-app.js';
import { auditEvents } from '../audit/audit-tables.js';
import { acceptedGuest, acceptInvite, visitWorld, type VisitWorld } from './visit-test-kit.js';

/**
 * Guests of a video visit: a single-use, expiring invite link, no account, admitted by the
 * provider, at most four people in the call; the guest's cookie opens this visit's call and
 * nothing else, and a non-participant's socket is refused the room and signaling.
 */
describe('visit guests', () => {
  let t: ListeningApp;
  const clock = manualClock(new Date('2026-11-26T15:00:00Z'));
  const sockets: ClientSocket[] = [];
  const open = async (cookie: string) => {
    const socket = client(t.url, { cookie });
    sockets.push(socket);
    await connected(socket);
    return socket;
  };
  const guestCall = (cookie: string, url: string) =>
    t.app.inject({ method: 'GET', url, headers: { ...sameOrigin, cookie } });
  const guestsPath = (w: VisitWorld, id = w.visitId) => `/visits/${id}/guests`;
  /** A visit under way: the patient checked in, the provider admitted them. */
  const underWay = async (w: VisitWorld, id = w.visitId) => {
    expect((await w.step('patient', 'check-in', id)).statusCode).toBe(200);
    expect((await w.step('provider', 'admit', id)).statusCode).toBe(200);
  };

  beforeAll(async () => {
    t = await listeningApp({ clock });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  it('invites, accepts, admits: the guest joins the call and signals with the provider', async () => {
    const w = await visitWorld(t, clock);
    // No guests before the patient is there.
    expect((await w.call('provider', 'POST', `/visits/${w.visitId}/invites`)).statusCode).toBe(409);
    await underWay(w);

    const invite = await w.call('provider', 'POST', `/visits/${w.visitId}/invites`);
    expect(invite.statusCode, invite.body).toBe(201);
    expect(invite.headers['cache-control']).toBe('no-store');
    const { url, expiresAt } = invite.json<{ url: string; expiresAt: string }>();
    // The token rides in the fragment: browsers never send it to a server or a Referer.
    expect(url.startsWith(`${t.config.publicUrl}/visit-invite#`)).toBe(true);
    expect(url.split('#')[1]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The visit (1 minute long) ends before 2 hours pass: its end plus 30 minutes.
    const visit = (await w.get('provider')).json<{ endsAt: string }>();
    expect(expiresAt).toBe(new Date(Date.parse(visit.endsAt) + 30 * 60_000).toISOString());
    const list = async (who: 'provider' | 'patient') =>
      (await w.call(who, 'GET', guestsPath(w))).json<{ guests: VisitGuest[] }>().guests;
    expect((await list('provider')).map((g) => g.state)).toEqual(['invited']);

    const provider = await open(w.cookies.provider);
    const listChanged = next<{ visitId: string; guests: VisitGuest[] }>(provider, 'visit.guests');
    const accepted = await acceptInvite(t, url.split('#')[1]!, 'Mei (interpreter)');
    expect(accepted.statusCode, accepted.body).toBe(200);
    const cookie = accepted.cookies.find((c) => c.name === 'ov_guest')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const guestCookie = `ov_guest=${cookie.value}`;
    const view = accepted.json<GuestVisit>();
    expect(view).toMatchObject({
      guest: { displayName: 'Mei (interpreter)', state: 'waiting' },
      visit: { id: w.visitId, state: 'in-progress', provider: { displayName: 'Test provider' } },
      participants: [],
    });
    // The guest learns nothing of the patient: not their name, not even their id yet.
    expect(accepted.body).not.toContain(w.people.patient.id);
    expect(accepted.body).not.toContain('Test patient');
    const guestId = view.guest.id;
    // The provider's page hears someone waiting; the patient sees the list too.
    expect((await listChanged).guests.map((g) => [g.id, g.state])).toEqual([[guestId, 'waiting']]);
    expect((await list('patient')).map((g) => g.state)).toEqual(['waiting']);

    // Waiting: the guest's socket connects, but the call's room and ICE servers wait.
    const guest = await open(guestCookie);
    const room = `visit:${w.visitId}`;
    expect(await ask(guest, 'subscribe', { room })).toEqual({ ok: false, error: 'forbidden' });
    expect((await guestCall(guestCookie, '/api/guest/visit/ice-servers')).statusCode).toBe(403);

    const admittedNotice = next<{ guestVisit: GuestVisit }>(guest, 'visit.guest');
    const admit = await w.call('provider', 'POST', `${guestsPath(w)}/${guestId}/admit`);
    expect(admit.statusCode, admit.body).toBe(200);
    expect(admit.json<VisitGuest>().state).toBe('admitted');
    // A retry answers the same.
    expect((await w.call('provider', 'POST', `${guestsPath(w)}/${guestId}/admit`)).statusCode).toBe(
      200,
    );
    const notice = (await admittedNotice).guestVisit;
    expect(notice.guest.state).toBe('admitted');
    expect(notice.participants).toEqual([
      { id: w.people.patient.id, role: 'patient', displayName: null },
      { id: w.people.provider.id, role: 'provider', displayName: 'Test provider' },
      { id: guestId, role: 'guest', displayName: 'Mei (interpreter)' },
    ]);
    const mine = await guestCall(guestCookie, '/api/guest/visit');
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json<GuestVisit>().participants).toHaveLength(3);
    const ice = await guestCall(guestCookie, '/api/guest/visit/ice-servers');
    expect(ice.statusCode, ice.body).toBe(200);
    expect(ice.headers['cache-control']).toBe('no-store');

    // In the call: the guest and the provider exchange an offer and an answer.
    expect(await ask(guest, 'subscribe', { room })).toEqual({ ok: true });
    expect(await ask(provider, 'subscribe', { room })).toEqual({ ok: true });
    const patient = await open(w.cookies.patient);
    expect(await ask(patient, 'subscribe', { room })).toEqual({ ok: true });
    const patientHeard: unknown[] = [];
    patient.on('signal', (s) => patientHeard.push(s));
    const atGuest = next<Record<string, unknown>>(guest, 'signal');
    const offer = {
      visitId: w.visitId,
      to: guestId,
      description: { type: 'offer', sdp: 'v=0\r\n' },
    };
    expect(await ask(provider, 'signal', offer)).toEqual({ ok: true });
    expect(await atGuest).toMatchObject({ ...offer, from: w.people.provider.id });
    const atProvider = next<Record<string, unknown>>(provider, 'signal');
    const answer = {
      visitId: w.visitId,
      to: w.people.provider.id,
      description: { type: 'answer', sdp: 'v=0\r\n' },
    };
    expect(await ask(guest, 'signal', answer)).toEqual({ ok: true });
    expect(await atProvider).toMatchObject({ ...answer, from: guestId, fromSocket: guest.id });
    // The guest reaches the patient too (a mesh); the patient heard only what was theirs.
    const atPatient = next<Record<string, unknown>>(patient, 'signal');
    expect(await ask(guest, 'signal', { ...offer, to: w.people.patient.id })).toEqual({ ok: true });
    expect(await atPatient).toMatchObject({ from: guestId });
    expect(patientHeard).toHaveLength(1);

    // Created and accepted on the audit trail, against the patient, names never in it.
    await t.auditWriter.flush();
    const audited = await w.db
      .select({ action: auditEvents.action, actor: auditEvents.actorUserId })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.resourceType, 'visit-guest'),
          eq(auditEvents.patientId, w.people.patient.id),
        ),
      );
    expect(audited).toEqual(
      expect.arrayContaining([
        { action: 'create', actor: w.people.provider.id },
        { action: 'update', actor: guestId },
        { action: 'update', actor: w.people.provider.id },
      ]),
    );
  });

  it('refuses a used link and an expired one', async () => {
    const w = await visitWorld(t, clock);
    await underWay(w);
    const { token } = await acceptedGuest(t, w, 'Sam');
    const again = await acceptInvite(t, token, 'Someone Else');
    expect(again.statusCode).toBe(400);
    expect(again.json<{ type: string }>().type).toContain('invalid-token');
    expect(again.cookies).toEqual([]);

    const invite = await w.call('provider', 'POST', `/visits/${w.visitId}/invites`);
    const late = invite.json<{ url: string; expiresAt: string }>();
    // Only the anonymous accept runs while the clock is ahead: no session idles out.
    const ahead = Date.parse(late.expiresAt) - clock.now().getTime();
    clock.advance(ahead);
    try {
      const expired = await acceptInvite(t, late.url.split('#')[1]!, 'Too Late');
      expect(expired.statusCode).toBe(400);
      expect(expired.json<{ type: string }>().type).toContain('invalid-token');
    } finally {
      clock.advance(-ahead);
    }
    expect((await acceptInvite(t, 'x'.repeat(43), 'Nobody')).statusCode).toBe(400);
  });

  it('takes four people at most: a third guest is refused with 409 visit-full', async () => {
    const w = await visitWorld(t, clock);
    await underWay(w);
    const guests = [
      await acceptedGuest(t, w, 'One'),
      await acceptedGuest(t, w, 'Two'),
      await acceptedGuest(t, w, 'Three'),
    ];
    const admit = (id: string) => w.call('provider', 'POST', `${guestsPath(w)}/${id}/admit`);
    expect((await admit(guests[0]!.id)).statusCode).toBe(200);
    expect((await admit(guests[1]!.id)).statusCode).toBe(200);
    const full = await admit(guests[2]!.id);
    expect(full.statusCode).toBe(409);
    expect(full.json<{ type: string }>().type).toContain('visit-full');
    // Someone leaves: the waiting guest fits now.
    const remove = await w.call('provider', 'POST', `${guestsPath(w)}/${guests[0]!.id}/remove`);
    expect(remove.json<VisitGuest>().state).toBe('removed');
    expect((await admit(guests[2]!.id)).statusCode).toBe(200);
    // A removed guest is not let back in: a new link is needed.
    expect((await admit(guests[0]!.id)).statusCode).toBe(409);
    // Only the visit's provider manages guests.
    for (const who of ['patient', 'otherProvider', 'staff', 'otherPatient', 'outsider'] as const) {
      const res = await w.call(who, 'POST', `${guestsPath(w)}/${guests[1]!.id}/remove`);
      expect([403, 404], `${who}: ${res.body}`).toContain(res.statusCode);
      const invite = await w.call(who, 'POST', `/visits/${w.visitId}/invites`);
      expect([403, 404], `${who}: ${invite.body}`).toContain(invite.statusCode);
    }
    for (const who of ['otherProvider', 'otherPatient', 'outsider'] as const) {
      expect([403, 404]).toContain((await w.call(who, 'GET', guestsPath(w))).statusCode);
    }
  });

  it('disconnects a removed guest at once and refuses them afterwards', async () => {
    const w = await visitWorld(t, clock);
    await underWay(w);
    const g = await acceptedGuest(t, w, 'Removed Soon');
    await w.call('provider', 'POST', `${guestsPath(w)}/${g.id}/admit`);
    const guest = await open(g.cookie);
    expect(await ask(guest, 'subscribe', { room: `visit:${w.visitId}` })).toEqual({ ok: true });
    // The guest's page hears why (removed) before the session ends.
    const heard: string[] = [];
    guest.on('visit.guest', (data: { guestVisit: GuestVisit }) =>
      heard.push(data.guestVisit.guest.state),
    );
    const ended = next(guest, 'session-ended').then(() => heard.slice());
    const gone = next<string>(guest, 'disconnect');
    await w.call('provider', 'POST', `${guestsPath(w)}/${g.id}/remove`);
    expect(await ended).toEqual(['removed']);
    expect(await gone).toBe('io server disconnect');
    expect(await refusal(client(t.url, { cookie: g.cookie }))).toBe('unauthorized');
    expect((await guestCall(g.cookie, '/api/guest/visit')).statusCode).toBe(401);
    // The provider can no longer address them either.
    const provider = await open(w.cookies.provider);
    await ask(provider, 'subscribe', { room: `visit:${w.visitId}` });
    expect(await ask(provider, 'signal', { visitId: w.visitId, to: g.id, hello: true })).toEqual({
      ok: false,
      error: 'forbidden',
    });
  });

  it('ends guest sessions when the visit ends', async () => {
    const w = await visitWorld(t, clock);
    await underWay(w);
    const g = await acceptedGuest(t, w, 'Till The End');
    await w.call('provider', 'POST', `${guestsPath(w)}/${g.id}/admit`);
    const guest = await open(g.cookie);
    const gone = next<string>(guest, 'disconnect');
    expect((await w.step('provider', 'end')).statusCode).toBe(200);
    expect(await gone).toBe('io server disconnect');
    expect((await guestCall(g.cookie, '/api/guest/visit')).statusCode).toBe(401);
    expect(await refusal(client(t.url, { cookie: g.cookie }))).toBe('unauthorized');
  });

  it("refuses a non-participant's socket the visit's room and signaling", async () => {
    const w = await visitWorld(t, clock);
    await underWay(w);
    const g = await acceptedGuest(t, w, 'Invited Here');
    await w.call('provider', 'POST', `${guestsPath(w)}/${g.id}/admit`);
    // Another visit of the same clinic, with its own admitted guest.
    const otherVisit = await w.newVisit(12);
    await underWay(w, otherVisit);
    const stranger = await acceptedGuest(t, w, 'Invited Elsewhere', otherVisit);
    await w.call('provider', 'POST', `${guestsPath(w, otherVisit)}/${stranger.id}/admit`);

    const room = `visit:${w.visitId}`;
    const provider = await open(w.cookies.provider);
    const guest = await open(g.cookie);
    await ask(provider, 'subscribe', { room });
    await ask(guest, 'subscribe', { room });
    const outsiders = {
      strangerGuest: await open(stranger.cookie),
      otherPatient: await open(w.cookies.otherPatient),
      otherProvider: await open(w.cookies.otherProvider),
    };
    const heard: unknown[] = [];
    for (const socket of [provider, guest]) socket.on('signal', (s) => heard.push(s));
    for (const [who, socket] of Object.entries(outsiders)) {
      expect(await ask(socket, 'subscribe', { room }), who).toEqual({
        ok: false,
        error: 'forbidden',
      });
      for (const to of [w.people.provider.id, g.id]) {
        expect(await ask(socket, 'signal', { visitId: w.visitId, to, hello: true }), who).toEqual({
          ok: false,
          error: 'forbidden',
        });
      }
    }
    // A guest joins no one's own room, and cannot address someone outside their visit.
    expect(await ask(guest, 'subscribe', { room: `user:${w.people.patient.id}` })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(await ask(guest, 'subscribe', { room: `visit:${otherVisit}` })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(
      await ask(guest, 'signal', { visitId: w.visitId, to: w.people.otherPatient.id, hello: true }),
    ).toEqual({ ok: false, error: 'forbidden' });
    expect(
      await ask(provider, 'signal', { visitId: w.visitId, to: stranger.id, hello: true }),
    ).toEqual({ ok: false, error: 'forbidden' });
    expect(heard).toEqual([]);
  });

  it('opens no other route with the guest cookie', async () => {
    const w = await visitWorld(t, clock);
    await underWay(w);
    const g = await acceptedGuest(t, w, 'Curious');
    await w.call('provider', 'POST', `${guestsPath(w)}/${g.id}/admit`);
    for (const url of [
      `/api/clinics/${w.clinic.id}/patients/${w.people.patient.id}`,
      `/api/clinics/${w.clinic.id}/visits/${w.visitId}`,
      `/api/clinics/${w.clinic.id}/visits/${w.visitId}/chat`,
      `/api/clinics/${w.clinic.id}/visits/${w.visitId}/guests`,
      '/api/auth/session',
      '/api/me/unread',
    ]) {
      const res = await guestCall(g.cookie, url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(401);
    }
    // And a session cookie is no guest: the guest routes want the guest's own.
    expect((await guestCall(w.cookies.patient, '/api/guest/visit')).statusCode).toBe(401);
  });
});
