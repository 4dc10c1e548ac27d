import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { memberships, mfaTotp, sessions, users } from '../../db/schema/index.js';
import type { Actor, MembershipRole, SignInStage } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

/** HIPAA automatic logoff: shorter for the clinic's workforce than for patients. */
export const IDLE_TIMEOUT_STAFF_S = 15 * 60;
export const IDLE_TIMEOUT_PATIENT_S = 30 * 60;
export const ABSOLUTE_LIFETIME_S = 12 * 60 * 60;
// Activity is written at most once a minute (keeps a database write off most requests), and
// at most every quarter of the idle limit so a short limit a clinic chose still holds.
const TOUCH_INTERVAL_MS = 60_000;
const touchIntervalMs = (idleTimeoutSeconds: number) =>
  Math.min(TOUCH_INTERVAL_MS, (idleTimeoutSeconds * 1000) / 4);

/** Idle limits in force; a clinic may configure shorter ones than the defaults, never longer. */
export interface IdleTimeouts {
  staffSeconds: number;
  patientSeconds: number;
}

export const defaultIdleTimeouts: IdleTimeouts = {
  staffSeconds: IDLE_TIMEOUT_STAFF_S,
  patientSeconds: IDLE_TIMEOUT_PATIENT_S,
};

export type EndReason = 'logout' | 'revoked' | 'password-changed' | 'disabled' | 'rotated' | 'idle';

export const idleTimeoutFor = (
  roles: MembershipRole[],
  timeouts: IdleTimeouts = defaultIdleTimeouts,
) => (roles.some((r) => r !== 'patient') ? timeouts.staffSeconds : timeouts.patientSeconds);

/** MFA is optional for patients and required for every clinic role (HIPAA workforce). */
export function signInStage(
  assurance: 'password' | 'mfa',
  hasAuthenticator: boolean,
  roles: { role: MembershipRole }[],
): SignInStage {
  if (assurance === 'mfa') return 'complete';
  if (hasAuthenticator) return 'mfa-challenge';
  return roles.some((r) => r.role !== 'patient') ? 'mfa-enrollment' : 'complete';
}

/** Sessions: this service owns the sessions table. */
export function createSessionService(
  db: AppDatabase,
  clock: Clock,
  idleTimeouts: IdleTimeouts = defaultIdleTimeouts,
) {
  async function rolesOf(userId: string) {
    return db
      .select({ organizationId: memberships.organizationId, role: memberships.role })
      .from(memberships)
      .where(eq(memberships.userId, userId));
  }

  return {
    /** Starts a session; returns the token for the cookie (never stored as such). */
    async start(
      userId: string,
      client: { ip?: string; userAgent?: string | undefined },
      assurance: 'password' | 'mfa' = 'password',
    ) {
      const now = clock.now();
      const roles = await rolesOf(userId);
      const token = newSecretToken();
      const [row] = await db
        .insert(sessions)
        .values({
          tokenHash: hashSecretToken(token),
          userId,
          createdAt: now,
          lastSeenAt: now,
          expiresAt: new Date(now.getTime() + ABSOLUTE_LIFETIME_S * 1000),
          idleTimeoutSeconds: idleTimeoutFor(
            roles.map((r) => r.role),
            idleTimeouts,
          ),
          assurance,
          ipAddress: client.ip ?? null,
          userAgent: client.userAgent?.slice(0, 300) ?? null,
        })
        .returning({ id: sessions.id, expiresAt: sessions.expiresAt });
      return { token, sessionId: row!.id, expiresAt: row!.expiresAt };
    },

    /**
     * The signed-in person behind a cookie token, or undefined when it is not (or no longer)
     * valid. `recordActivity: false` checks without counting as activity: a realtime
     * socket re-checking its session must not keep an idle session alive.
     */
    async resolve(
      token: string,
      options: { recordActivity?: boolean } = {},
    ): Promise<Actor | undefined> {
      const now = clock.now();
      // One round trip for the session, its person and their roles: this runs on every
      // signed-in request.
      const [row] = await db
        .select({
          session: sessions,
          status: users.status,
          mfaSince: mfaTotp.confirmedAt,
          roles: sql<Actor['memberships']>`coalesce((
            select json_agg(json_build_object('organizationId', m.organization_id, 'role', m.role))
            from ${memberships} m where m.user_id = ${sessions.userId}), '[]'::json)`,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .leftJoin(mfaTotp, eq(mfaTotp.userId, sessions.userId))
        .where(eq(sessions.tokenHash, hashSecretToken(token)))
        .limit(1);
      if (!row || row.session.revokedAt || row.status !== 'active') return undefined;
      const s = row.session;
      const idleExpiresAt = new Date(s.lastSeenAt.getTime() + s.idleTimeoutSeconds * 1000);
      if (now >= s.expiresAt) return undefined;
      if (now >= idleExpiresAt) {
        await this.end(s.id, 'idle');
        return undefined;
      }
      let lastSeenAt = s.lastSeenAt;
      if (
        options.recordActivity !== false &&
        now.getTime() - s.lastSeenAt.getTime() >= touchIntervalMs(s.idleTimeoutSeconds)
      ) {
        lastSeenAt = now;
        await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, s.id));
      }
      const roles = row.roles;
      return {
        userId: s.userId,
        sessionId: s.id,
        memberships: roles,
        stage: signInStage(s.assurance, row.mfaSince !== null, roles),
        expiresAt: s.expiresAt,
        idleExpiresAt: new Date(lastSeenAt.getTime() + s.idleTimeoutSeconds * 1000),
        idleTimeoutSeconds: s.idleTimeoutSeconds,
      };
    },

    async end(sessionId: string, reason: EndReason) {
      await db
        .update(sessions)
        .set({ revokedAt: clock.now(), revokedReason: reason })
        .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
    },

    /** Ends every session of a person (password change, account disabled), optionally but one. */
    async endAllFor(userId: string, reason: EndReason, exceptSessionId?: string) {
      await db
        .update(sessions)
        .set({ revokedAt: clock.now(), revokedReason: reason })
        .where(
          and(
            eq(sessions.userId, userId),
            isNull(sessions.revokedAt),
            exceptSessionId ? ne(sessions.id, exceptSessionId) : undefined,
          ),
        );
    },

    /** The person's sessions still in force, newest first, for "your sessions". */
    async listActive(userId: string) {
      const now = clock.now();
      const rows = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .orderBy(desc(sessions.lastSeenAt));
      return rows.filter(
        (s) =>
          now < s.expiresAt && now.getTime() < s.lastSeenAt.getTime() + s.idleTimeoutSeconds * 1000,
      );
    },

    /** Ends one of the person's own sessions; false when it is not theirs or already ended. */
    async endOwn(userId: string, sessionId: string) {
      const ended = await db
        .update(sessions)
        .set({ revokedAt: clock.now(), revokedReason: 'revoked' })
        .where(
          and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)),
        )
        .returning({ id: sessions.id });
      return ended.length > 0;
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
