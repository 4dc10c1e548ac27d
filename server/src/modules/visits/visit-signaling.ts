import { signalSchema } from '@openvisit/contracts';
import type { Actor } from '../../platform/access.js';
import type { RealtimeServer } from '../../platform/realtime/realtime-server.js';
import {
  clinicScoped,
  userRoom,
  type RoomAccessRegistry,
} from '../../platform/realtime/room-access.js';
import type { VisitService } from './visit-service.js';

/*
 * The visit's realtime side (docs/visits.md):
 * - room `visit:<id>`: the call's room. Its patient and provider, from the day's check-in
 *   until it ends, and its admitted guests while it is open (joins audited against the
 *   patient, like opening the visit). Everything sent to it is fit for every participant.
 * - client event `signal`: WebRTC offers, answers and ICE candidates, relayed to the one
 *   participant they are addressed to (up to four make a mesh) and never stored. Media
 *   itself goes peer to peer (or through TURN), never through this server.
 */

const OPEN_STATES = new Set(['scheduled', 'waiting', 'in-progress']);
const isVisitId = (id: string) => /^[0-9a-f-]{36}$/i.test(id);

export function registerVisitRooms(
  rooms: RoomAccessRegistry,
  visits: VisitService,
  /** Whose visit it is (scheduling's `appointmentOwner`), for the join's audit event. */
  patientOf: (clinicId: string, visitId: string) => Promise<string | undefined>,
) {
  const people = clinicScoped(
    'visit',
    async (person, room) => {
      const visitId = room.slice('visit:'.length);
      if (!isVisitId(visitId)) return false;
      const found = await visits.participantIn(person.clinicId, visitId, person.userId);
      return found !== undefined && OPEN_STATES.has(found.visit.state);
    },
    async (clinicId, visitId) => ({ patientId: await patientOf(clinicId, visitId) }),
  );
  rooms.registerRoomKind('visit', {
    auditResource: 'visit',
    async authorize(person, visitId) {
      if (!person.guestOf) return people(person, visitId);
      // A guest: their own visit only, once admitted (not removed), while it is open.
      const { organizationId, visitId: own } = person.guestOf;
      if (own !== visitId) return undefined;
      const found = await visits.participantIn(organizationId, visitId, person.userId);
      if (!found || (found.visit.state !== 'waiting' && found.visit.state !== 'in-progress')) {
        return undefined;
      }
      return {
        organizationId,
        patientId: found.visit.patient.id,
        basis: 'visit-guest',
        role: 'guest',
      };
    },
  });
}

/** Signaling's budget: a call's start sends a burst of ICE candidates. */
const SIGNAL_BUDGET = { capacity: 120, refillMs: 1_000 };

/** The clinics where `person` may be in a visit: a guest's one, a person's memberships. */
const clinicsOf = (person: Actor) =>
  person.guestOf
    ? [person.guestOf.organizationId]
    : [...new Set(person.memberships.map((m) => m.organizationId))];

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
      let live = false;
      for (const clinicId of clinicsOf(context.person)) {
        const found = await visits.participantIn(clinicId, signal.visitId, context.person.userId);
        if (found) {
          live = found.visit.state === 'in-progress' && found.peers.includes(signal.to);
          break;
        }
      }
      // Media only flows once the provider admitted the patient, and only between the
      // visit's participants (a guest removed a moment ago is no longer one).
      if (!live) return { ok: false, error: 'forbidden' };
      // To the addressee alone: in a mesh of up to four, nobody else needs (or should see)
      // another pair's descriptions and candidates, which carry their network addresses.
      server.emit(
        userRoom(signal.to),
        'signal',
        { ...signal, from: context.person.userId, fromSocket: context.socketId },
        { exceptSocket: context.socketId },
      );
      return { ok: true };
    },
    { budget: SIGNAL_BUDGET },
  );
}
