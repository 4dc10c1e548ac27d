import { eq } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { messageThreads } from '../../db/schema/index.js';
import type { MembershipRole, RecordFactsResolver } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { decideRecordAccess } from '../../platform/record-access.js';
import { patientMessages } from './messaging-access.js';

export interface MessagingRoomAccessDeps {
  db: AppDatabase;
  /** The care module's facts, as the HTTP access policy uses them (app.ts: care.recordFacts). */
  recordFacts: RecordFactsResolver;
}

/** A person on a socket, with their roles at the clinic the socket is signed in to. */
export interface RoomPerson {
  userId: string;
  clinicId: string;
  roles: string[];
}

const membershipRoles: readonly string[] = ['patient', 'provider', 'staff', 'admin'];
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who may join messaging's socket rooms, by the same rule as the HTTP routes:
 * - `thread:<id>`: whoever may read the thread (the patient, the clinic's staff and admins,
 *   providers caring for the patient), at the thread's own clinic only;
 * - `clinic-inbox:<clinic>`: staff, admins and providers of that clinic (its events carry
 *   ids only, see message-events.ts).
 * `user:<id>` is the person themself (the socket layer decides it); anything else: no.
 */
export function createMessagingRoomAccess(deps: MessagingRoomAccessDeps) {
  const { db } = deps;

  async function mayReadThread(person: RoomPerson, threadId: string): Promise<boolean> {
    if (!uuidPattern.test(threadId)) return false;
    const [thread] = await db
      .select({ clinicId: messageThreads.organizationId, patientId: messageThreads.patientUserId })
      .from(messageThreads)
      .where(eq(messageThreads.id, threadId));
    if (!thread || thread.clinicId !== person.clinicId) return false;
    const roles = person.roles.filter((r): r is MembershipRole => membershipRoles.includes(r));
    const facts = await deps.recordFacts(
      thread.clinicId,
      thread.patientId,
      roles.includes('provider') ? person.userId : undefined,
    );
    try {
      decideRecordAccess(
        {
          userId: person.userId,
          memberships: roles.map((role) => ({ organizationId: person.clinicId, role })),
        },
        thread.clinicId,
        thread.patientId,
        patientMessages,
        facts,
      );
      return true;
    } catch (err) {
      if (err instanceof AppError) return false;
      throw err;
    }
  }

  return {
    async mayJoin(person: RoomPerson, room: string): Promise<boolean> {
      const split = room.indexOf(':');
      if (split < 0) return false;
      const kind = room.slice(0, split);
      const id = room.slice(split + 1);
      if (kind === 'thread') return mayReadThread(person, id);
      if (kind === 'clinic-inbox') {
        return (
          id === person.clinicId &&
          person.roles.some((r) => r === 'staff' || r === 'admin' || r === 'provider')
        );
      }
      return false;
    },
  };
}

export type MessagingRoomAccess = ReturnType<typeof createMessagingRoomAccess>;
