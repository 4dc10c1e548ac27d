import type { Actor } from '../access.js';

/**
 * Who may join which realtime room. The platform knows no module: each module registers
 * the room kinds it owns (messaging: `thread`, `clinic-inbox`; video visits: `visit`) with
 * an authorizer that applies its own access rules. A room of a kind nobody registered
 * cannot be joined. `user:<id>` is built in: a person's own, never anyone else's.
 */

/** What an authorizer says when it lets a person in: the facts the audit event needs. */
export interface RoomGrant {
  /** The clinic the room belongs to. */
  organizationId?: string | undefined;
  /** The patient whose data the room's events show (threads, visits); audited when set. */
  patientId?: string | undefined;
  /** Why access was allowed (`self`, `care-relationship`, `clinic-staff`, ...). */
  basis?: string | undefined;
  /** The role the person acts in here (`patient`, `provider`, `staff`, ...). */
  role?: string | undefined;
}

export interface RoomKind {
  /**
   * The audit resource type for joins (`message-thread`, `clinic-inbox`, `video-visit`).
   * Set it when the room's events expose patient data: every join is then audited as a
   * `read` (refused when the audit trail cannot be written), every refusal as `denied`.
   */
  auditResource?: string;
  /** Lets `person` into `<kind>:<id>` (answers a grant) or not (undefined). */
  authorize(person: Actor, id: string): Promise<RoomGrant | undefined>;
}

/** The audit event a join (or a refused join) writes. */
export interface RoomAudit {
  resourceType: string;
  resourceId: string;
  organizationId?: string | undefined;
  patientId?: string | undefined;
  basis?: string | undefined;
  role?: string | undefined;
}

export type RoomDecision = { allowed: boolean; audit?: RoomAudit };

/** What the realtime server asks before a socket joins a room. */
export interface RoomAccess {
  mayJoin(person: Actor, room: string): Promise<RoomDecision>;
}

/** `<kind>:<id>`: a lowercase kind, an id of letters, digits, `-` and `_`. */
const ROOM_PATTERN = /^([a-z][a-z-]{0,31}):([A-Za-z0-9_-]{1,64})$/;

export function parseRoom(room: unknown): { kind: string; id: string } | undefined {
  if (typeof room !== 'string') return undefined;
  const match = ROOM_PATTERN.exec(room);
  return match ? { kind: match[1]!, id: match[2]! } : undefined;
}

export const userRoom = (userId: string) => `user:${userId}` as const;

export function createRoomAccess() {
  const kinds = new Map<string, RoomKind>();

  return {
    /** Called once per kind by the module that owns it, when the app is built. */
    registerRoomKind(kind: string, definition: RoomKind) {
      if (!/^[a-z][a-z-]{0,31}$/.test(kind)) throw new Error(`invalid room kind "${kind}"`);
      if (kind === 'user' || kinds.has(kind)) {
        throw new Error(`room kind "${kind}" is already registered`);
      }
      kinds.set(kind, definition);
    },

    /** The registered kinds, `user` first (the socket access matrix lists them all). */
    kinds(): string[] {
      return ['user', ...kinds.keys()];
    },

    async mayJoin(person: Actor, room: string): Promise<RoomDecision> {
      const parsed = parseRoom(room);
      if (!parsed) return { allowed: false };
      if (parsed.kind === 'user') return { allowed: parsed.id === person.userId };
      const kind = kinds.get(parsed.kind);
      if (!kind) return { allowed: false };
      const grant = await kind.authorize(person, parsed.id);
      const audit: RoomAudit | undefined = kind.auditResource
        ? {
            resourceType: kind.auditResource,
            resourceId: parsed.id,
            organizationId: grant?.organizationId,
            patientId: grant?.patientId,
            basis: grant?.basis,
            role: grant?.role,
          }
        : undefined;
      return { allowed: grant !== undefined, ...(audit ? { audit } : {}) };
    },
  };
}

export type RoomAccessRegistry = ReturnType<typeof createRoomAccess>;

/** A person as authorizers that judge one clinic at a time see them. */
export interface ClinicPerson {
  userId: string;
  clinicId: string;
  roles: string[];
}

/**
 * Adapts an authorizer that answers yes or no for a person at one clinic (messaging's) to a
 * room kind: the person is tried at each clinic they belong to, and the grant names the
 * clinic that let them in. `describe` adds what the audit event needs (whose room it is).
 */
export function clinicScoped(
  kind: string,
  mayJoin: (person: ClinicPerson, room: string) => Promise<boolean>,
  describe?: (clinicId: string, id: string) => Promise<{ patientId?: string | undefined }>,
): RoomKind['authorize'] {
  return async (person, id) => {
    const clinics = [...new Set(person.memberships.map((m) => m.organizationId))];
    for (const clinicId of clinics) {
      const roles = person.memberships
        .filter((m) => m.organizationId === clinicId)
        .map((m) => m.role);
      if (!(await mayJoin({ userId: person.userId, clinicId, roles }, `${kind}:${id}`))) continue;
      const { patientId } = (await describe?.(clinicId, id)) ?? {};
      const own = patientId !== undefined && patientId === person.userId;
      return {
        organizationId: clinicId,
        patientId,
        basis: own ? 'self' : undefined,
        role: own ? 'patient' : (roles.find((r) => r !== 'patient') ?? roles[0]),
      };
    }
    return undefined;
  };
}
