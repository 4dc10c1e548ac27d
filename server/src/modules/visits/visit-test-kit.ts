import type { AppDatabase } from '../../db/client.js';
import { visitEncounters, visitGuests } from '../../db/schema/index.js';
import { hashSecretToken, newSecretToken } from '../identity/secret-tokens.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { sameOrigin, type TestApp } from '../../testing/test-app.js';
import type { Clock } from '../../platform/clock.js';
import { makeAppointment, makeVisitType } from '../scheduling/appointment-test-kit.js';

/**
 * A clinic with a video visit starting `startsInMinutes` from the clock's now, and the
 * people around it signed in: its patient and provider, another patient and provider of
 * the clinic, a staff member, and an admin of another clinic.
 */
export async function visitWorld(t: TestApp, clock: Clock, startsInMinutes = 10) {
  const db = t.testDatabase.database.db;
  const clinic = await makeClinic(db, 'Video Clinic');
  const otherClinic = await makeClinic(db, 'Elsewhere Clinic');
  const people = {
    patient: await makePerson(db, clinic.id, 'patient'),
    provider: await makePerson(db, clinic.id, 'provider'),
    otherPatient: await makePerson(db, clinic.id, 'patient'),
    otherProvider: await makePerson(db, clinic.id, 'provider'),
    staff: await makePerson(db, clinic.id, 'staff'),
    outsider: await makePerson(db, otherClinic.id, 'admin'),
  };
  const cookies = {} as Record<keyof typeof people, string>;
  for (const [name, person] of Object.entries(people)) {
    cookies[name as keyof typeof people] = (await signedInCookie(t, person.id, clock)).cookie;
  }
  const visitType = await makeVisitType(db, clinic.id, { name: 'Video check-up' });
  const newVisit = async (minutesFromNow = startsInMinutes) =>
    (
      await makeAppointment(db, {
        clinicId: clinic.id,
        patientId: people.patient.id,
        providerId: people.provider.id,
        visitTypeId: visitType.id,
        startsAt: new Date(clock.now().getTime() + minutesFromNow * 60_000),
        // Short, so that visits minutes apart never overlap (one provider, one patient).
        minutes: 1,
      })
    ).id;
  const visitId = await newVisit();

  type Who = keyof typeof people;
  const call = (
    who: Who,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    payload?: Record<string, unknown>,
  ) =>
    t.app.inject({
      method,
      url: `/api/clinics/${clinic.id}${path}`,
      headers: { ...sameOrigin, cookie: cookies[who] },
      ...(payload ? { payload } : {}),
    });
  const visitPath = (id = visitId) => `/visits/${id}`;
  return {
    db,
    clinic,
    otherClinic,
    people,
    cookies,
    visitType,
    visitId,
    newVisit,
    call,
    /** A lifecycle step: `check-in`, `admit` or `end`. */
    step: (who: Who, action: 'check-in' | 'admit' | 'end', id = visitId) =>
      call(who, 'POST', `${visitPath(id)}/${action}`),
    get: (who: Who, id = visitId) => call(who, 'GET', visitPath(id)),
    cancel: (who: Who, id = visitId) =>
      call(who, 'POST', `/patients/${people.patient.id}/appointments/${id}/cancel`, {
        reason: 'Provider unwell',
      }),
  };
}

export type VisitWorld = Awaited<ReturnType<typeof visitWorld>>;

/** A visit moved along by hand (fixtures): the patient waiting, or the visit under way. */
export async function seedEncounter(
  db: AppDatabase,
  visit: { id: string; clinicId: string; patientId: string; providerId: string },
  state: 'waiting' | 'in-progress',
) {
  const now = new Date();
  await db.insert(visitEncounters).values({
    appointmentId: visit.id,
    organizationId: visit.clinicId,
    patientUserId: visit.patientId,
    providerUserId: visit.providerId,
    state,
    checkedInAt: now,
    ...(state === 'in-progress' ? { admittedAt: now, admittedBy: visit.providerId } : {}),
  });
}

/**
 * A guest of the world's visit (or `visitId`): invited by the provider, their link used
 * under `name`. Answers the guest's id, their cookie and the invite's raw token.
 */
export async function acceptedGuest(t: TestApp, w: VisitWorld, name: string, visitId = w.visitId) {
  const invite = await w.call('provider', 'POST', `/visits/${visitId}/invites`);
  if (invite.statusCode !== 201) throw new Error(`invite: ${invite.statusCode} ${invite.body}`);
  const token = invite.json<{ url: string }>().url.split('#')[1]!;
  const accepted = await acceptInvite(t, token, name);
  if (accepted.statusCode !== 200)
    throw new Error(`accept: ${accepted.statusCode} ${accepted.body}`);
  const cookie = accepted.cookies.find((c) => c.name === 'ov_guest')!;
  return {
    id: accepted.json<{ guest: { id: string } }>().guest.id,
    cookie: `ov_guest=${cookie.value}`,
    token,
  };
}

export const acceptInvite = (t: TestApp, token: string, displayName: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/visit-invites/accept',
    headers: sameOrigin,
    payload: { token, displayName },
  });

/** A guest row put straight in the table (fixtures): their link used, waiting or admitted. */
export async function seedGuest(
  db: AppDatabase,
  visit: { id: string; clinicId: string; providerId: string },
  state: 'waiting' | 'admitted',
) {
  const token = newSecretToken();
  const now = new Date();
  const [row] = await db
    .insert(visitGuests)
    .values({
      appointmentId: visit.id,
      organizationId: visit.clinicId,
      displayName: 'Seeded Guest',
      invitedBy: visit.providerId,
      inviteTokenHash: hashSecretToken(newSecretToken()),
      inviteExpiresAt: new Date(now.getTime() + 3_600_000),
      acceptedAt: now,
      sessionTokenHash: hashSecretToken(token),
      ...(state === 'admitted' ? { admittedAt: now, admittedBy: visit.providerId } : {}),
    })
    .returning();
  return { id: row!.id, cookie: `ov_guest=${token}` };
}
