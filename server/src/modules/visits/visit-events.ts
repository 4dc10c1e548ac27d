import { visitEventTypes, type Visit, type VisitChatMessage } from '@openvisit/contracts';
import type { RealtimeEventInput } from '../../platform/realtime/event-log.js';
import { callEvents, type GuestRow } from './visit-guest-views.js';

/*
 * The realtime events a visit writes, in the same transaction as the change they report.
 * The visit's own snapshot and its chat go to the patient's and provider's own `user:`
 * rooms (the provider's queue and the patient's pages follow without joining every visit).
 * Room `visit:<id>` is the call's: guests are in it too, so it carries only what every
 * participant may see (`visit.participants`, visit-guest-views.ts), never the snapshot with
 * the patient's name and visit type, nor the chat.
 */

export function visitUpdated(visit: Visit, guests: GuestRow[] = []): RealtimeEventInput[] {
  const payload = { visit };
  const updated = [`user:${visit.patient.id}`, `user:${visit.provider.id}`].map((room) => ({
    organizationId: visit.clinicId,
    room: room as RealtimeEventInput['room'],
    type: visitEventTypes.visitUpdated,
    payload,
  }));
  return [...updated, ...callEvents(visit, guests)];
}

export function chatMessage(
  visit: Pick<Visit, 'clinicId' | 'patient' | 'provider'>,
  message: VisitChatMessage,
): RealtimeEventInput[] {
  return [visit.patient.id, visit.provider.id].map((id) => ({
    organizationId: visit.clinicId,
    room: `user:${id}` as const,
    type: visitEventTypes.chatMessage,
    payload: { message },
  }));
}
