import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { memberships, users } from '../../db/schema/index.js';
import type { MembershipRole } from '../../platform/access.js';

export interface DirectoryEntry {
  id: string;
  displayName: string;
  email: string;
  status: 'active' | 'disabled';
}

/**
 * Read-only answers about who holds which role at a clinic, for modules that need people
 * (care teams, scheduling) without reaching into the identity tables themselves.
 */
export function createPeopleDirectory(db: AppDatabase) {
  const entry = {
    id: users.id,
    displayName: users.displayName,
    email: users.email,
    status: users.status,
  };
  const holding = (clinicId: string, role: MembershipRole) =>
    and(eq(memberships.organizationId, clinicId), eq(memberships.role, role));

  return {
    async holdsRole(clinicId: string, userId: string, role: MembershipRole): Promise<boolean> {
      const [row] = await db
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(holding(clinicId, role), eq(memberships.userId, userId)))
        .limit(1);
      return row !== undefined;
    },

    /** Whether a person holds any role at a clinic. */
    async isMember(clinicId: string, userId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.organizationId, clinicId), eq(memberships.userId, userId)))
        .limit(1);
      return row !== undefined;
    },

    /** Display names of people, whatever their roles (for audit and history pages). */
    async names(ids: string[]): Promise<Map<string, string>> {
      const unique = [...new Set(ids)];
      if (!unique.length) return new Map();
      const rows = await db
        .select({ id: users.id, displayName: users.displayName })
        .from(users)
        .where(inArray(users.id, unique));
      return new Map(rows.map((r) => [r.id, r.displayName]));
    },

    /** The people holding a role at a clinic, by name; optionally only the given ids. */
    async withRole(
      clinicId: string,
      role: MembershipRole,
      filter: { ids?: string[]; email?: string } = {},
    ): Promise<DirectoryEntry[]> {
      if (filter.ids && filter.ids.length === 0) return [];
      return db
        .select(entry)
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(
          and(
            holding(clinicId, role),
            filter.ids ? inArray(users.id, filter.ids) : undefined,
            filter.email ? eq(sql`lower(${users.email})`, filter.email.toLowerCase()) : undefined,
          ),
        )
        .orderBy(asc(users.displayName), asc(users.id));
    },
  };
}

export type PeopleDirectory = ReturnType<typeof createPeopleDirectory>;
