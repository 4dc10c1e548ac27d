import { visitEventTypes, type Visit, type VisitChatMessage } from '@openvisit/contracts';
import type { RealtimeEventInput } from '../../platform/realtime/event-log.js';

/*
 * The realtime events a visit writes, in the same transaction as the change they report.
 * Rooms: `visit:<id>` for the people in the visit (waiting room status, the call, chat),
 * and the patient's and provider's own `user:` rooms, so the provider's queue and the
 * patient's pages follow without joining every visit.
 */

export function visitUpdated(visit: Visit): RealtimeEventInput[] {
  const payload = { visit };
  return [`visit:${visit.id}`, `user:${visit.patient.id}`, `user:${visit.provider.id}`].map(
    (room) => ({
      organizationId: visit.clinicId,
      room: room as RealtimeEventInput['room'],
      type: visitEventTypes.visitUpdated,
      payload,
    }),
  );
}

export function chatMessage(clinicId: string, message: VisitChatMessage): RealtimeEventInput {
  return {
    organizationId: clinicId,
    room: `visit:${message.visitId}`,
    type: visitEventTypes.chatMessage,
    payload: { message },
  };
}
