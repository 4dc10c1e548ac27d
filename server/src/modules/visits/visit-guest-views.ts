import {
  visitGuestEventTypes,
  type CallParticipant,
  type GuestVisit,
  type Visit,
  type VisitCall,
  type VisitGuest,
  type VisitGuestState,
} from '@openvisit/contracts';
import { asc, eq } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { visitGuests } from '../../db/schema/index.js';
import type { RealtimeEventInput } from '../../platform/realtime/event-log.js';

/*
 * Guests as the visit's people see them (docs/visits.md "Guests"), and the realtime events
 * that carry them. Pure except `guestsOf`, the one query every caller needs.
 */

export type GuestRow = typeof visitGuests.$inferSelect;

/** Every guest row of a visit, oldest invite first. */
export function guestsOf(db: AppDatabase, visitId: string): Promise<GuestRow[]> {
  return db
    .select()
    .from(visitGuests)
    .where(eq(visitGuests.appointmentId, visitId))
    .orderBy(asc(visitGuests.createdAt), asc(visitGuests.id));
}

export function guestStateOf(row: GuestRow): VisitGuestState {
  if (row.removedAt) return 'removed';
  if (row.admittedAt) return 'admitted';
  return row.acceptedAt ? 'waiting' : 'invited';
}

/** In the call: admitted and not removed. */
export const inCall = (row: GuestRow) => guestStateOf(row) === 'admitted';

export function guestView(row: GuestRow): VisitGuest {
  return {
    id: row.id,
    displayName: row.displayName,
    state: guestStateOf(row),
    inviteExpiresAt: row.inviteExpiresAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    admittedAt: row.admittedAt?.toISOString() ?? null,
    removedAt: row.removedAt?.toISOString() ?? null,
  };
}

/**
 * Who is in the call, as everyone in it (guests included) may see: the patient by role
 * only (their pages know their name; a guest learns no more of them than the call shows).
 */
export function callOf(visit: Visit, guests: GuestRow[]): VisitCall {
  const participants: CallParticipant[] = [
    { id: visit.patient.id, role: 'patient', displayName: null },
    { id: visit.provider.id, role: 'provider', displayName: visit.provider.displayName },
    ...guests
      .filter(inCall)
      .sort((a, b) => a.admittedAt!.getTime() - b.admittedAt!.getTime())
      .map((g) => ({ id: g.id, role: 'guest' as const, displayName: g.displayName })),
  ];
  return { visitId: visit.id, state: visit.state, participants };
}

/** A guest's own view: themselves, the visit's time and state, the call once admitted. */
export function guestVisitOf(row: GuestRow, visit: Visit, guests: GuestRow[]): GuestVisit {
  const state = guestStateOf(row);
  return {
    guest: { id: row.id, displayName: row.displayName, state },
    visit: {
      id: visit.id,
      state: visit.state,
      startsAt: visit.startsAt,
      endsAt: visit.endsAt,
      provider: { displayName: visit.provider.displayName },
    },
    participants: state === 'admitted' ? callOf(visit, guests).participants : [],
  };
}

/**
 * The events of a change seen by the call: the participants to the visit's room (every
 * participant, guests included), and each guest who used their link their own view (the
 * waiting guest learns they were admitted; `alsoTell` a guest just removed).
 */
export function callEvents(
  visit: Visit,
  guests: GuestRow[],
  alsoTell?: string,
): RealtimeEventInput[] {
  const events: RealtimeEventInput[] = [
    {
      organizationId: visit.clinicId,
      room: `visit:${visit.id}`,
      type: visitGuestEventTypes.participants,
      payload: { call: callOf(visit, guests) },
    },
  ];
  for (const guest of guests) {
    if (!guest.acceptedAt || (guest.removedAt && guest.id !== alsoTell)) continue;
    events.push({
      organizationId: visit.clinicId,
      room: `user:${guest.id}`,
      type: visitGuestEventTypes.guest,
      payload: { guestVisit: guestVisitOf(guest, visit, guests) },
    });
  }
  return events;
}

/** The guest list changed: the patient and provider see it (their own rooms). */
export function guestListEvents(visit: Visit, guests: GuestRow[]): RealtimeEventInput[] {
  const payload = { visitId: visit.id, guests: guests.map(guestView) };
  return [visit.patient.id, visit.provider.id].map((id) => ({
    organizationId: visit.clinicId,
    room: `user:${id}` as const,
    type: visitGuestEventTypes.guests,
    payload,
  }));
}
