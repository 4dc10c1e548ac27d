import { randomUUID } from 'node:crypto';
import type { AppDatabase } from '../../db/client.js';
import { careTeamMembers, messageThreads, messages } from '../../db/schema/index.js';
import { signedInCookie } from '../../testing/sessions.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { sameOrigin, type TestApp } from '../../testing/test-app.js';
import { createCareService } from '../care/care-service.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { createOutboxMailer } from '../../platform/mail/outbox-mailer.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { documentsOf } from '../documents/documents-test-kit.js';
import type { Broadcaster, StoredEvent } from '../../platform/realtime/event-log.js';
import { createMessagingService, type MessagingDeps } from './messaging-service.js';

/**
 * A thread of a patient with one message from them, written straight into messaging's own
 * tables (for tests about who reaches it, not how it was made).
 */
export async function seedThread(
  db: AppDatabase,
  input: { clinicId: string; patientId: string; subject?: string; body?: string },
) {
  const [thread] = await db
    .insert(messageThreads)
    .values({
      organizationId: input.clinicId,
      patientUserId: input.patientId,
      subject: input.subject ?? 'A question about my refill',
      createdBy: input.patientId,
      lastMessageAt: new Date(),
    })
    .returning();
  const [message] = await db
    .insert(messages)
    .values({
      id: randomUUID(),
      threadId: thread!.id,
      organizationId: input.clinicId,
      senderUserId: input.patientId,
      body: input.body ?? 'Could you renew my prescription?',
    })
    .returning();
  return { thread: thread!, message: message! };
}

/** A clinic with the people messaging cares about, each with a signed-in session. */
export async function messagingWorld(t: TestApp) {
  const db = t.testDatabase.database.db;
  const clinic = await makeClinic(db, 'Harbor Clinic');
  const otherClinic = await makeClinic(db, 'Elsewhere Clinic');
  const people = {
    patientA: await makePerson(db, clinic.id, 'patient'),
    patientB: await makePerson(db, clinic.id, 'patient'),
    careProvider: await makePerson(db, clinic.id, 'provider'),
    otherProvider: await makePerson(db, clinic.id, 'provider'),
    staff: await makePerson(db, clinic.id, 'staff'),
    admin: await makePerson(db, clinic.id, 'admin'),
    outsider: await makePerson(db, otherClinic.id, 'admin'),
  };
  await db.insert(careTeamMembers).values({
    organizationId: clinic.id,
    patientUserId: people.patientA.id,
    providerUserId: people.careProvider.id,
    assignedBy: people.admin.id,
  });
  const cookies = {} as Record<keyof typeof people, string>;
  for (const [name, person] of Object.entries(people)) {
    cookies[name as keyof typeof people] = (await signedInCookie(t, person.id)).cookie;
  }
  return { db, clinic, otherClinic, people, cookies };
}

export type MessagingWorld = Awaited<ReturnType<typeof messagingWorld>>;

/** Calls the API as someone (a cookie), the way the web app does. */
export function caller(t: TestApp, cookie: string) {
  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method,
      url,
      headers: { ...sameOrigin, cookie, ...headers },
      ...(payload ? { payload: payload as Record<string, unknown> } : {}),
    });
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, payload: object, headers?: Record<string, string>) =>
      call('POST', url, payload, headers),
    patch: (url: string, payload: object) => call('PATCH', url, payload),
  };
}

/** A broadcaster that keeps what it was given, in order (stands in for the socket layer). */
export function recordingBroadcaster(): Broadcaster & { events: StoredEvent[] } {
  const events: StoredEvent[] = [];
  return {
    events,
    broadcast(batch) {
      events.push(...batch);
    },
  };
}

/** The messaging service on a test app's database, with the real care and documents modules. */
export async function messagingServiceOf(
  t: TestApp,
  extra: Partial<Pick<MessagingDeps, 'broadcaster' | 'notices'>> & { clock?: Clock } = {},
) {
  const db = t.testDatabase.database.db;
  const clock = extra.clock ?? systemClock;
  const directory = createPeopleDirectory(db);
  const silent = (await import('pino')).pino({ level: 'silent' });
  const care = createCareService({
    db,
    clock,
    mailer: createOutboxMailer(db),
    directory,
    publicUrl: t.config.publicUrl,
    log: silent,
  });
  return createMessagingService({
    db,
    clock,
    directory,
    recordFacts: (...args) => care.recordFacts(...args),
    careTeamOf: async (clinicId, patientId) =>
      (await care.patientSummary(clinicId, patientId)).careTeam.map((m) => m.providerId),
    documents: await documentsOf(t),
    broadcaster: extra.broadcaster,
    notices: extra.notices,
  });
}
