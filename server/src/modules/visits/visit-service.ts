import { and, asc, eq, inArray } from 'drizzle-orm';
import { Histogram, type Registry } from 'prom-client';
import type { Appointment, Visit, VisitChatMessage } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { visitChatMessages, visitEncounters } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import {
  afterCommitBroadcaster,
  createEventLog,
  type Broadcaster,
  type RealtimeEventInput,
} from '../../platform/realtime/event-log.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import type { AppointmentChange, AppointmentService } from '../scheduling/appointment-service.js';
import { chatMessage, visitUpdated } from './visit-events.js';
import { guestsOf, inCall } from './visit-guest-views.js';
import {
  assertCheckInOpen,
  assertSchedulingMayChange,
  checkInWindow,
  nextState,
  visitStateOf,
  type EncounterState,
  type VisitAction,
} from './visit-lifecycle.js';

type EncounterRow = typeof visitEncounters.$inferSelect;

export interface VisitDeps {
  db: AppDatabase;
  clock: Clock;
  directory: PeopleDirectory;
  appointments: Pick<AppointmentService, 'view' | 'lock' | 'lockBooked' | 'markCompleted'>;
  broadcaster?: Broadcaster | undefined;
  metrics?: Registry | undefined;
  log?: { error(obj: object, msg: string): void } | undefined;
  /** After a visit ended or was cancelled: its guests' sockets are closed (app.ts binds it). */
  onClosed?: ((visitId: string) => void) | undefined;
}

/** Who acts on a visit, with their roles at its clinic. */
export interface VisitActor {
  userId: string;
  roles: string[];
}

/**
 * Virtual visits: the lifecycle (check in, admit, end), the waiting room, and the visit's
 * chat. Every transition runs with the appointment's row locked (scheduling's
 * `lock`), so a cancellation and an admission never interleave; its event is written
 * in the same transaction and broadcast after the commit.
 */
export function createVisitService(deps: VisitDeps) {
  const { db, clock } = deps;
  const events = createEventLog(db);
  const timings = deps.metrics && visitMetrics(deps.metrics);

  const broadcast = afterCommitBroadcaster(deps.broadcaster, deps.log, 'visit');

  async function encounterOf(appointmentId: string, tx: AppDatabase = db) {
    const [row] = await tx
      .select()
      .from(visitEncounters)
      .where(eq(visitEncounters.appointmentId, appointmentId));
    return row;
  }

  function viewOf(
    clinicId: string,
    appointment: Appointment,
    encounter: EncounterRow | undefined,
  ): Visit {
    const window = checkInWindow(new Date(appointment.startsAt), new Date(appointment.endsAt));
    return {
      id: appointment.id,
      clinicId,
      patient: appointment.patient,
      provider: appointment.provider,
      visitType: {
        id: appointment.visitType.id,
        name: appointment.visitType.name,
        durationMinutes: appointment.visitType.durationMinutes,
      },
      startsAt: appointment.startsAt,
      endsAt: appointment.endsAt,
      state: visitStateOf(appointment.status, encounter?.state as EncounterState | undefined),
      checkInOpensAt: window.opensAt.toISOString(),
      checkedInAt: encounter?.checkedInAt.toISOString() ?? null,
      admittedAt: encounter?.admittedAt?.toISOString() ?? null,
      endedAt: encounter?.endedAt?.toISOString() ?? null,
      providerNote: encounter?.providerNote ?? null,
    };
  }

  async function load(clinicId: string, visitId: string, tx: AppDatabase = db) {
    const appointment = await deps.appointments.view(clinicId, visitId);
    if (!appointment || appointment.visitType.modality !== 'video') {
      throw new AppError('not-found', 'No video visit with this id.');
    }
    const encounter = await encounterOf(visitId, tx);
    return { appointment, encounter, visit: viewOf(clinicId, appointment, encounter) };
  }

  function assertProviderOf(visit: Visit, actor: VisitActor) {
    if (visit.provider.id !== actor.userId) {
      throw new AppError('forbidden', "Only the visit's provider can do this.");
    }
  }

  /** The people in a visit: its patient and its provider. */
  function assertParticipant(visit: Visit, actor: VisitActor) {
    if (visit.patient.id !== actor.userId && visit.provider.id !== actor.userId) {
      throw new AppError('forbidden', "Only the visit's participants can do this.");
    }
  }

  /**
   * Runs one transition: the appointment locked while booked, the encounter read in the
   * same transaction, the lifecycle asked, the row written with its event.
   */
  async function transition(
    clinicId: string,
    appointment: Appointment,
    action: VisitAction,
    write: (tx: AppDatabase, now: Date) => Promise<void>,
  ): Promise<{ visit: Visit; changed: boolean }> {
    const visitId = appointment.id;
    const now = clock.now();
    const result = await db.transaction(async (tx) => {
      // The status as it is now, under the lock (a cancellation may have just committed).
      const status = ((await deps.appointments.lock(tx, visitId))?.status ??
        appointment.status) as Appointment['status'];
      const encounter = await encounterOf(visitId, tx);
      const { unchanged } = nextState(
        visitStateOf(status, encounter?.state as EncounterState | undefined),
        action,
      );
      const current = { ...appointment, status };
      if (unchanged) {
        return { visit: viewOf(clinicId, current, encounter), changed: false, stored: [] };
      }
      await write(tx, now);
      const after = viewOf(
        clinicId,
        { ...current, status: action === 'end' ? 'completed' : status },
        await encounterOf(visitId, tx),
      );
      const stored = await events.record(tx, visitUpdated(after, await guestsOf(tx, visitId)));
      return { visit: after, changed: true, stored };
    });
    broadcast(result.stored);
    return { visit: result.visit, changed: result.changed };
  }

  return {
    /** The visit, with no check of who asks (other modules decide their own access). */
    async find(clinicId: string, visitId: string): Promise<Visit> {
      return (await load(clinicId, visitId)).visit;
    },

    async visit(clinicId: string, visitId: string, actor: VisitActor): Promise<Visit> {
      const { visit } = await load(clinicId, visitId);
      if (actor.roles.every((r) => r === 'patient' || r === 'provider')) {
        assertParticipant(visit, actor);
      }
      return visit;
    },

    /** The patient is here: from 15 minutes before the start. A retry answers the same. */
    async checkIn(clinicId: string, visitId: string, actor: VisitActor): Promise<Visit> {
      const { visit, appointment } = await load(clinicId, visitId);
      if (visit.patient.id !== actor.userId) {
        throw new AppError('forbidden', 'Only the patient checks in to their visit.');
      }
      if (visit.state === 'scheduled') {
        assertCheckInOpen(new Date(visit.startsAt), new Date(visit.endsAt), clock.now());
      }
      const { visit: checkedIn } = await transition(
        clinicId,
        appointment,
        'check-in',
        async (tx, now) => {
          await tx.insert(visitEncounters).values({
            appointmentId: visitId,
            organizationId: clinicId,
            patientUserId: appointment.patient.id,
            providerUserId: appointment.provider.id,
            state: 'waiting',
            checkedInAt: now,
          });
        },
      );
      return checkedIn;
    },

    /** The provider lets the waiting patient in; the call can start. */
    async admit(clinicId: string, visitId: string, actor: VisitActor): Promise<Visit> {
      const { visit, appointment } = await load(clinicId, visitId);
      assertProviderOf(visit, actor);
      const admission = await transition(clinicId, appointment, 'admit', async (tx, now) => {
        await tx
          .update(visitEncounters)
          .set({ state: 'in-progress', admittedAt: now, admittedBy: actor.userId })
          .where(eq(visitEncounters.appointmentId, visitId));
      });
      const admitted = admission.visit;
      // Once per visit: a retried admit changes nothing and is not counted again.
      if (admission.changed && admitted.checkedInAt && admitted.admittedAt) {
        timings?.wait.observe(
          (Date.parse(admitted.admittedAt) - Date.parse(admitted.checkedInAt)) / 1000,
        );
      }
      return admitted;
    },

    /** The provider ends the visit: the call ends for everyone. */
    async end(clinicId: string, visitId: string, actor: VisitActor): Promise<Visit> {
      const { visit, appointment } = await load(clinicId, visitId);
      assertProviderOf(visit, actor);
      const ending = await transition(clinicId, appointment, 'end', async (tx, now) => {
        await tx
          .update(visitEncounters)
          .set({ state: 'completed', endedAt: now, endedBy: actor.userId })
          .where(eq(visitEncounters.appointmentId, visitId));
        await deps.appointments.markCompleted(tx, visitId);
      });
      const ended = ending.visit;
      if (ended.state === 'completed') deps.onClosed?.(visitId);
      if (ending.changed && ended.admittedAt && ended.endedAt) {
        timings?.duration.observe(
          (Date.parse(ended.endedAt) - Date.parse(ended.admittedAt)) / 1000,
        );
      }
      return ended;
    },

    /** What the provider tells the waiting patient ("running about 10 minutes late"). */
    async tellWaitingPatient(
      clinicId: string,
      visitId: string,
      actor: VisitActor,
      note: string | null,
    ): Promise<Visit> {
      const { visit } = await load(clinicId, visitId);
      assertProviderOf(visit, actor);
      if (visit.state !== 'waiting' && visit.state !== 'scheduled') {
        throw new AppError(
          'visit-state',
          'A note for the waiting patient fits only before the visit starts.',
        );
      }
      if (visit.state === 'scheduled') {
        throw new AppError('visit-state', 'The patient has not checked in yet.');
      }
      const stored = await db.transaction(async (tx) => {
        if (!(await deps.appointments.lockBooked(tx, visitId))) {
          throw new AppError('visit-state', 'This visit is no longer booked.');
        }
        await tx
          .update(visitEncounters)
          .set({ providerNote: note })
          .where(
            and(eq(visitEncounters.appointmentId, visitId), eq(visitEncounters.state, 'waiting')),
          );
        return events.record(
          tx,
          visitUpdated({ ...visit, providerNote: note }, await guestsOf(tx, visitId)),
        );
      });
      broadcast(stored);
      return { ...visit, providerNote: note };
    },

    /**
     * The waiting room: visits waiting or under way, longest waiting first. A provider sees
     * their own; staff and admins see the clinic's.
     */
    async waitingRoom(clinicId: string, actor: VisitActor): Promise<Visit[]> {
      const everyone = actor.roles.includes('staff') || actor.roles.includes('admin');
      const rows = await db
        .select()
        .from(visitEncounters)
        .where(
          and(
            eq(visitEncounters.organizationId, clinicId),
            inArray(visitEncounters.state, ['waiting', 'in-progress']),
            everyone ? undefined : eq(visitEncounters.providerUserId, actor.userId),
          ),
        )
        .orderBy(asc(visitEncounters.checkedInAt));
      const visits: Visit[] = [];
      for (const row of rows) {
        const appointment = await deps.appointments.view(clinicId, row.appointmentId);
        if (!appointment || appointment.status !== 'booked') continue;
        visits.push(viewOf(clinicId, appointment, row));
      }
      return visits;
    },

    /** The visit's chat, oldest first: for its participants. */
    async chat(clinicId: string, visitId: string, actor: VisitActor): Promise<VisitChatMessage[]> {
      const { visit } = await load(clinicId, visitId);
      assertParticipant(visit, actor);
      const rows = await db
        .select()
        .from(visitChatMessages)
        .where(eq(visitChatMessages.appointmentId, visitId))
        .orderBy(asc(visitChatMessages.sequence));
      const names = await deps.directory.names([...new Set(rows.map((r) => r.senderUserId))]);
      return rows.map((r) => chatView(r, names.get(r.senderUserId) ?? ''));
    },

    /** A chat message during the visit; the same id again answers the stored message. */
    async sendChat(
      clinicId: string,
      visitId: string,
      actor: VisitActor,
      input: { id: string; body: string },
    ): Promise<{ message: VisitChatMessage; replayed: boolean }> {
      const { visit } = await load(clinicId, visitId);
      assertParticipant(visit, actor);
      const [existing] = await db
        .select()
        .from(visitChatMessages)
        .where(eq(visitChatMessages.id, input.id));
      const name = (await deps.directory.names([actor.userId])).get(actor.userId) ?? '';
      if (existing) {
        if (
          existing.appointmentId !== visitId ||
          existing.senderUserId !== actor.userId ||
          existing.body !== input.body
        ) {
          throw new AppError('conflict', 'This message id was already used for another message.');
        }
        return { message: chatView(existing, name), replayed: true };
      }
      if (visit.state !== 'in-progress') {
        throw new AppError('visit-state', 'The chat is open while the visit is under way.');
      }
      const result = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(visitChatMessages)
          .values({
            id: input.id,
            appointmentId: visitId,
            organizationId: clinicId,
            senderUserId: actor.userId,
            body: input.body,
          })
          .onConflictDoNothing()
          .returning();
        if (!row) return undefined;
        const message = chatView(row, name);
        return { message, stored: await events.record(tx, chatMessage(visit, message)) };
      });
      if (!result) {
        // Its twin won the race: answer what it stored.
        const [twin] = await db
          .select()
          .from(visitChatMessages)
          .where(eq(visitChatMessages.id, input.id));
        return { message: chatView(twin!, name), replayed: true };
      }
      broadcast(result.stored);
      return { message: result.message, replayed: false };
    },

    /**
     * May this person (or admitted guest, by their guest id) take part in the visit's call
     * now (signaling, ICE servers)? `peers`: everyone else in it.
     */
    async participantIn(
      clinicId: string,
      visitId: string,
      userId: string,
    ): Promise<{ visit: Visit; peers: string[] } | undefined> {
      try {
        const { visit } = await load(clinicId, visitId);
        const guests = (await guestsOf(db, visitId)).filter(inCall).map((g) => g.id);
        const people = [visit.patient.id, visit.provider.id, ...guests];
        if (!people.includes(userId)) return undefined;
        return { visit, peers: people.filter((p) => p !== userId) };
      } catch (err) {
        if (err instanceof AppError && err.code === 'not-found') return undefined;
        throw err;
      }
    },

    /** Scheduling's guard (app.ts binds it): a visit under way is not cancelled or moved. */
    guard: {
      async assertMayChange(tx: AppDatabase, appointmentId: string, change: AppointmentChange) {
        const encounter = await encounterOf(appointmentId, tx);
        assertSchedulingMayChange(encounter?.state as EncounterState | undefined, change);
      },
      changed(appointmentId: string) {
        // After scheduling's commit: the waiting patient (and the provider's queue) hear it.
        void (async () => {
          const encounter = await encounterOf(appointmentId);
          if (!encounter) return;
          const { visit } = await load(encounter.organizationId, appointmentId);
          const stored = await db.transaction(async (tx) =>
            events.record(tx, visitUpdated(visit, await guestsOf(tx, appointmentId))),
          );
          broadcast(stored);
          if (visit.state !== 'waiting' && visit.state !== 'in-progress') {
            deps.onClosed?.(appointmentId);
          }
        })().catch((err: unknown) =>
          deps.log?.error({ err }, 'telling a visit of its change failed'),
        );
      },
    },
  };
}

function chatView(
  row: typeof visitChatMessages.$inferSelect,
  senderName: string,
): VisitChatMessage {
  return {
    id: row.id,
    visitId: row.appointmentId,
    sequence: row.sequence,
    sender: { id: row.senderUserId, displayName: senderName },
    body: row.body,
    createdAt: row.createdAt.toISOString(),
  };
}

function visitMetrics(registry: Registry) {
  return {
    wait: new Histogram({
      name: 'openvisit_visit_wait_seconds',
      help: 'Time patients waited from check-in to admission',
      buckets: [30, 60, 120, 300, 600, 900, 1800, 3600],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'openvisit_visit_duration_seconds',
      help: 'Length of video visits from admission to end',
      buckets: [300, 600, 900, 1200, 1800, 2700, 3600, 5400],
      registers: [registry],
    }),
  };
}

export type VisitService = ReturnType<typeof createVisitService>;
export type { RealtimeEventInput };
