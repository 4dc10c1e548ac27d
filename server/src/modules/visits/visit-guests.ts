import {
  MAX_VISIT_PARTICIPANTS,
  type GuestVisit,
  type Visit,
  type VisitGuest,
  type VisitInvite,
} from '@openvisit/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { visitEncounters, visitGuests } from '../../db/schema/index.js';
import type { Actor } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import {
  afterCommitBroadcaster,
  createEventLog,
  type Broadcaster,
  type StoredEvent,
} from '../../platform/realtime/event-log.js';
import { hashSecretToken, newSecretToken } from '../identity/secret-tokens.js';
import type { AppointmentService } from '../scheduling/appointment-service.js';
import {
  callEvents,
  guestListEvents,
  guestStateOf,
  guestsOf,
  guestView,
  guestVisitOf,
  inCall,
  type GuestRow,
} from './visit-guest-views.js';
import type { VisitActor } from './visit-service.js';

/** An invite link works for 2 hours at most, and never past 30 minutes after the visit. */
export const INVITE_LIFETIME_MS = 2 * 60 * 60_000;
export const INVITE_GRACE_AFTER_END_MS = 30 * 60_000;
/** A guest's session ends with the visit, on removal, or 12 hours after acceptance. */
export const GUEST_SESSION_MS = 12 * 60 * 60_000;

const OPEN = new Set<Visit['state']>(['waiting', 'in-progress']);

export interface VisitGuestDeps {
  db: AppDatabase;
  clock: Clock;
  publicUrl: string;
  /** The visit, whoever asks (the visit service's `find`); throws `not-found`. */
  visitOf: (clinicId: string, visitId: string) => Promise<Visit>;
  appointments: Pick<AppointmentService, 'lockBooked'>;
  broadcaster?: Broadcaster | undefined;
  /** Ends a guest's sockets at once (the realtime server, bound in app.ts). */
  disconnect?: ((guestId: string) => void) | undefined;
  log?: { error(obj: object, msg: string): void } | undefined;
}

/** A guest's valid session: who they are and the visit they are in. */
export interface GuestSession {
  guest: GuestRow;
  visit: Visit;
  expiresAt: Date;
}

/**
 * Guests of a video visit (docs/visits.md "Guests"): the provider invites by a single-use
 * link, the guest accepts it without an account and waits, the provider admits them (at
 * most MAX_VISIT_PARTICIPANTS in the call) or removes them. The guest's cookie is the only
 * credential; it is good for this visit's guest routes and sockets, and nothing else.
 */
export function createVisitGuestService(deps: VisitGuestDeps) {
  const { db, clock } = deps;
  const events = createEventLog(db);

  const broadcast = afterCommitBroadcaster(deps.broadcaster, deps.log, 'visit guest');

  function kick(guestIds: string[]) {
    for (const id of guestIds) {
      try {
        deps.disconnect?.(id);
      } catch (err) {
        // The re-check (every 30 s) and every client event end the session anyway.
        deps.log?.error({ err }, 'disconnecting a visit guest failed');
      }
    }
  }

  async function providersVisit(clinicId: string, visitId: string, actor: VisitActor) {
    const visit = await deps.visitOf(clinicId, visitId);
    if (visit.provider.id !== actor.userId) {
      throw new AppError('forbidden', "Only the visit's provider manages its guests.");
    }
    return visit;
  }

  /** Is the visit waiting or under way, with its appointment locked (inside `tx`)? */
  async function lockOpen(tx: AppDatabase, visitId: string) {
    if (!(await deps.appointments.lockBooked(tx, visitId))) return false;
    const [encounter] = await tx
      .select({ state: visitEncounters.state })
      .from(visitEncounters)
      .where(eq(visitEncounters.appointmentId, visitId));
    return encounter?.state === 'waiting' || encounter?.state === 'in-progress';
  }

  async function guestIn(tx: AppDatabase, visitId: string, guestId: string) {
    const [row] = await tx
      .select()
      .from(visitGuests)
      .where(and(eq(visitGuests.id, guestId), eq(visitGuests.appointmentId, visitId)))
      .for('update');
    if (!row) throw new AppError('not-found', 'No guest with this id in this visit.');
    return row;
  }

  /** A change to one guest: written with its events, announced after the commit. */
  async function changeGuest(
    clinicId: string,
    visitId: string,
    actor: VisitActor,
    guestId: string,
    change: (tx: AppDatabase, row: GuestRow, now: Date) => Promise<boolean>,
    needsOpenVisit: boolean,
  ): Promise<VisitGuest> {
    const visit = await providersVisit(clinicId, visitId, actor);
    const now = clock.now();
    const result = await db.transaction(async (tx) => {
      const open = await lockOpen(tx, visitId);
      const row = await guestIn(tx, visitId, guestId);
      if (needsOpenVisit && !open && !inCall(row)) {
        throw new AppError('visit-state', 'Guests join while the visit is open.');
      }
      if (!(await change(tx, row, now))) return { row, stored: [] as StoredEvent[] };
      const guests = await guestsOf(tx, visitId);
      const changed = guests.find((g) => g.id === guestId)!;
      const stored = await events.record(tx, [
        ...callEvents(visit, guests, guestId),
        ...guestListEvents(visit, guests),
      ]);
      return { row: changed, stored };
    });
    broadcast(result.stored);
    return guestView(result.row);
  }

  /** The guest behind a cookie's token, while their session holds. */
  async function authenticate(token: string | undefined): Promise<GuestSession | undefined> {
    if (!token || token.length > 200) return undefined;
    const [row] = await db
      .select()
      .from(visitGuests)
      .where(eq(visitGuests.sessionTokenHash, hashSecretToken(token)));
    if (!row?.acceptedAt || row.removedAt) return undefined;
    const expiresAt = new Date(row.acceptedAt.getTime() + GUEST_SESSION_MS);
    if (clock.now() >= expiresAt) return undefined;
    const visit = await deps.visitOf(row.organizationId, row.appointmentId).catch((err) => {
      if (err instanceof AppError && err.code === 'not-found') return undefined;
      throw err;
    });
    if (!visit || !OPEN.has(visit.state)) return undefined;
    return { guest: row, visit, expiresAt };
  }

  return {
    /**
     * A new single-use link for this visit. The raw token is only in this answer (and in
     * the URL's fragment, which browsers never send to a server).
     */
    async invite(
      clinicId: string,
      visitId: string,
      actor: VisitActor,
      guestId: string,
    ): Promise<VisitInvite> {
      const visit = await providersVisit(clinicId, visitId, actor);
      if (!OPEN.has(visit.state)) {
        throw new AppError('visit-state', 'Invite guests once the patient has checked in.');
      }
      const now = clock.now();
      const expiresAt = new Date(
        Math.min(
          now.getTime() + INVITE_LIFETIME_MS,
          Date.parse(visit.endsAt) + INVITE_GRACE_AFTER_END_MS,
        ),
      );
      if (expiresAt <= now) {
        throw new AppError('visit-state', "This visit's time is over: no more guests can join.");
      }
      const token = newSecretToken();
      const stored = await db.transaction(async (tx) => {
        if (!(await lockOpen(tx, visitId))) {
          throw new AppError('visit-state', 'This visit is no longer open.');
        }
        await tx.insert(visitGuests).values({
          id: guestId,
          appointmentId: visitId,
          organizationId: clinicId,
          invitedBy: actor.userId,
          inviteTokenHash: hashSecretToken(token),
          inviteExpiresAt: expiresAt,
          createdAt: now,
        });
        return events.record(tx, guestListEvents(visit, await guestsOf(tx, visitId)));
      });
      broadcast(stored);
      return {
        url: `${deps.publicUrl}/visit-invite#${token}`,
        expiresAt: expiresAt.toISOString(),
      };
    },

    /** The visit's guests: for its provider, and its patient to see who is invited. */
    async list(clinicId: string, visitId: string, actor: VisitActor): Promise<VisitGuest[]> {
      const visit = await deps.visitOf(clinicId, visitId);
      if (visit.patient.id !== actor.userId && visit.provider.id !== actor.userId) {
        throw new AppError('forbidden', "Only the visit's patient and provider see its guests.");
      }
      return (await guestsOf(db, visitId)).map(guestView);
    },

    /** Lets a waiting guest into the call; a retry answers the same. 409 when it is full. */
    admit(clinicId: string, visitId: string, guestId: string, actor: VisitActor) {
      return changeGuest(
        clinicId,
        visitId,
        actor,
        guestId,
        async (tx, row, now) => {
          const state = guestStateOf(row);
          if (state === 'admitted') return false;
          if (state !== 'waiting') {
            throw new AppError(
              'visit-state',
              state === 'removed'
                ? 'This guest was removed: send a new invite instead.'
                : 'This guest has not used their link yet.',
            );
          }
          const admitted = (await guestsOf(tx, visitId)).filter(inCall).length;
          // The patient and the provider, and the guests already in.
          if (2 + admitted + 1 > MAX_VISIT_PARTICIPANTS) {
            throw new AppError(
              'visit-full',
              `A visit takes at most ${MAX_VISIT_PARTICIPANTS} people: remove a guest first.`,
            );
          }
          await tx
            .update(visitGuests)
            .set({ admittedAt: now, admittedBy: actor.userId })
            .where(eq(visitGuests.id, row.id));
          return true;
        },
        true,
      );
    },

    /** Takes a guest out (or withdraws an unused link); their sockets close at once. */
    async remove(clinicId: string, visitId: string, guestId: string, actor: VisitActor) {
      const view = await changeGuest(
        clinicId,
        visitId,
        actor,
        guestId,
        async (tx, row, now) => {
          if (row.removedAt) return false;
          await tx.update(visitGuests).set({ removedAt: now }).where(eq(visitGuests.id, row.id));
          return true;
        },
        // Removing needs no open visit (it also withdraws a link nobody used yet).
        false,
      );
      // After the broadcast, which the late broadcaster writes on the next turn (setImmediate
      // keeps the order): the guest hears `visit.guest` (removed) before their sockets close.
      setImmediate(() => kick([guestId]));
      return view;
    },

    /**
     * Uses an invite link: once. `audit` runs before the change (like an audited route's
     * event) with the facts its event needs; when it throws, the link stays unused.
     */
    async accept(
      token: string,
      displayName: string,
      audit: (facts: { guestId: string; clinicId: string; patientId: string }) => Promise<void>,
    ): Promise<{ sessionToken: string; expiresAt: Date; guestVisit: GuestVisit }> {
      const invalid = () => new AppError('invalid-token', 'This invite link is used or expired.');
      const [found] = await db
        .select()
        .from(visitGuests)
        .where(eq(visitGuests.inviteTokenHash, hashSecretToken(token)));
      const now = clock.now();
      if (!found || found.acceptedAt || found.removedAt || found.inviteExpiresAt <= now) {
        throw invalid();
      }
      const visit = await deps.visitOf(found.organizationId, found.appointmentId);
      if (!OPEN.has(visit.state)) throw invalid();
      await audit({
        guestId: found.id,
        clinicId: found.organizationId,
        patientId: visit.patient.id,
      });
      const sessionToken = newSecretToken();
      const result = await db.transaction(async (tx) => {
        const [used] = await tx
          .update(visitGuests)
          .set({ acceptedAt: now, displayName, sessionTokenHash: hashSecretToken(sessionToken) })
          .where(
            and(
              eq(visitGuests.id, found.id),
              isNull(visitGuests.acceptedAt),
              isNull(visitGuests.removedAt),
            ),
          )
          .returning();
        // Its twin (a double click, or the link used twice at once) got there first.
        if (!used) throw invalid();
        const guests = await guestsOf(tx, visit.id);
        const stored = await events.record(tx, guestListEvents(visit, guests));
        return { stored, guestVisit: guestVisitOf(used, visit, guests) };
      });
      broadcast(result.stored);
      return {
        sessionToken,
        expiresAt: new Date(now.getTime() + GUEST_SESSION_MS),
        guestVisit: result.guestVisit,
      };
    },

    authenticate,

    /** What the guest sees now. */
    async guestVisit(session: GuestSession): Promise<GuestVisit> {
      return guestVisitOf(session.guest, session.visit, await guestsOf(db, session.visit.id));
    },

    /**
     * A guest as the realtime layer sees them: no account and no memberships; `guestOf`
     * names the one visit they may join. Undefined once their session has ended.
     */
    async actorOf(token: string): Promise<Actor | undefined> {
      const session = await authenticate(token);
      if (!session) return undefined;
      return {
        userId: session.guest.id,
        sessionId: session.guest.id,
        memberships: [],
        expiresAt: session.expiresAt,
        idleExpiresAt: session.expiresAt,
        idleTimeoutSeconds: GUEST_SESSION_MS / 1000,
        stage: 'complete',
        guestOf: { organizationId: session.visit.clinicId, visitId: session.visit.id },
      };
    },

    /** The visit ended or was cancelled: its guests' sockets close now. */
    visitClosed(visitId: string) {
      void guestsOf(db, visitId).then(
        (guests) => kick(guests.filter((g) => g.acceptedAt && !g.removedAt).map((g) => g.id)),
        (err: unknown) => deps.log?.error({ err }, 'closing visit guest sockets failed'),
      );
    },
  };
}

export type VisitGuestService = ReturnType<typeof createVisitGuestService>;
