import { signalSchema } from '@openvisit/contracts';
import type { RealtimeServer } from '../../platform/realtime/realtime-server.js';
import { clinicScoped, type RoomAccessRegistry } from '../../platform/realtime/room-access.js';
import type { VisitService } from './visit-service.js';

/*
 * The visit's realtime side (docs/visits.md):
 * - room `visit:<id>`: its patient and provider, from the day's check-in until it ends
 *   (joins audited against the patient, like opening the visit);
 * - client event `signal`: WebRTC offers, answers and ICE candidates, relayed to the other
 *   people in the visit's room and never stored. Media itself goes peer to peer (or through
 *   TURN), never through this server.
 */

const OPEN_STATES = new Set(['scheduled', 'waiting', 'in-progress']);

export function registerVisitRooms(
  rooms: RoomAccessRegistry,
  visits: VisitService,
  /** Whose visit it is (scheduling's `appointmentOwner`), for the join's audit event. */
  patientOf: (clinicId: string, visitId: string) => Promise<string | undefined>,
) {
  rooms.registerRoomKind('visit', {
    auditResource: 'visit',
    authorize: clinicScoped(
      'visit',
      async (person, room) => {
        const visitId = room.slice('visit:'.length);
        if (!/^[0-9a-f-]{36}$/i.test(visitId)) return false;
        const found = await visits.participantIn(person.clinicId, visitId, person.userId);
        return found !== undefined && OPEN_STATES.has(found.visit.state);
      },
      async (clinicId, visitId) => ({ patientId: await patientOf(clinicId, visitId) }),
    ),
  });
}

/** Signaling's budget: a call's start sends a burst of ICE candidates. */
const SIGNAL_BUDGET = { capacity: 120, refillMs: 1_000 };

export function registerVisitSignaling(server: RealtimeServer, visits: VisitService) {
  server.handle(
    'signal',
    async (context, data) => {
      const parsed = signalSchema.safeParse(data);
      if (!parsed.success) return { ok: false, error: 'invalid' };
      const signal = parsed.data;
      const room = `visit:${signal.visitId}`;
      // Joining the room was the access decision (a participant, the visit open).
      if (!context.rooms.has(room)) return { ok: false, error: 'forbidden' };
      const clinicIds = [...new Set(context.person.memberships.map((m) => m.organizationId))];
      let live = false;
      for (const clinicId of clinicIds) {
        const found = await visits.participantIn(clinicId, signal.visitId, context.person.userId);
        if (found) {
          live = found.visit.state === 'in-progress' && found.peers.includes(signal.to);
          break;
        }
      }
      // Media only flows once the provider admitted the patient, and only between them.
      if (!live) return { ok: false, error: 'forbidden' };
      server.emit(
        room,
        'signal',
        { ...signal, from: context.person.userId, fromSocket: context.socketId },
        { exceptSocket: context.socketId },
      );
      return { ok: true };
    },
    { budget: SIGNAL_BUDGET },
  );
}
