import { and, desc, eq, gt, inArray, isNotNull, isNull, ne } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDatabase } from '../../db/client.js';
import {
  memberships,
  mfaRecoveryCodes,
  mfaTotp,
  userTokens,
  users,
} from '../../db/schema/index.js';
import type { MembershipRole } from '../../platform/access.js';

type WorkforceRole = Exclude<MembershipRole, 'patient'>;
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { normalizeEmail } from './account-service.js';
import { assertAcceptablePassword } from './password-policy.js';
import { hashPassword } from './passwords.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';
import type { SessionService } from './session-service.js';

const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface ClinicPeopleDeps {
  db: AppDatabase;
  clock: Clock;
  mailer: Mailer;
  sessions: SessionService;
  publicUrl: string;
  log: FastifyBaseLogger;
}

/** A clinic admin's view of the clinic's people: invite, list, disable, reset MFA. */
export function createClinicPeopleService(deps: ClinicPeopleDeps) {
  const { db, clock, mailer, sessions, publicUrl, log } = deps;

  async function assertMember(clinicId: string, userId: string) {
    const [row] = await db
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.organizationId, clinicId), eq(memberships.userId, userId)))
      .limit(1);
    // Someone of another clinic answers like nobody at all.
    if (!row) throw new AppError('not-found', 'No such person at this clinic.');
  }

  return {
    async list(clinicId: string) {
      const rows = await db
        .select({
          id: users.id,
          email: users.email,
          displayName: users.displayName,
          status: users.status,
          emailVerifiedAt: users.emailVerifiedAt,
          role: memberships.role,
        })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(eq(memberships.organizationId, clinicId))
        .orderBy(desc(users.createdAt));
      const ids = [...new Set(rows.map((r) => r.id))];
      const withMfa = ids.length
        ? await db
            .select({ userId: mfaTotp.userId })
            .from(mfaTotp)
            .where(and(inArray(mfaTotp.userId, ids), isNotNull(mfaTotp.confirmedAt)))
        : [];
      const mfa = new Set(withMfa.map((r) => r.userId));
      const people = new Map<
        string,
        {
          id: string;
          email: string;
          displayName: string;
          status: 'active' | 'disabled';
          invitationPending: boolean;
          mfaEnabled: boolean;
          roles: MembershipRole[];
        }
      >();
      for (const r of rows) {
        const person = people.get(r.id) ?? {
          id: r.id,
          email: r.email,
          displayName: r.displayName,
          status: r.status,
          invitationPending: r.emailVerifiedAt === null,
          mfaEnabled: mfa.has(r.id),
          roles: [],
        };
        person.roles.push(r.role);
        people.set(r.id, person);
      }
      return [...people.values()];
    },

    /**
     * The clinic's active workforce (providers, staff, admins) by name: whom a colleague can
     * hand work to. No emails or account state: that view stays the admins' (`list`).
     */
    async colleagues(clinicId: string) {
      const rows = await db
        .select({ id: users.id, displayName: users.displayName, role: memberships.role })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(
          and(
            eq(memberships.organizationId, clinicId),
            eq(users.status, 'active'),
            ne(memberships.role, 'patient'),
          ),
        );
      const people = new Map<string, { id: string; displayName: string; roles: WorkforceRole[] }>();
      for (const r of rows) {
        const person = people.get(r.id) ?? { id: r.id, displayName: r.displayName, roles: [] };
        person.roles.push(r.role as WorkforceRole);
        people.set(r.id, person);
      }
      return [...people.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
    },

    /** Invites a provider, staff member or admin; an existing account simply gains the role. */
    async invite(
      clinicId: string,
      input: { email: string; displayName: string; role: MembershipRole },
    ) {
      const email = normalizeEmail(input.email);
      const token = newSecretToken();
      const outcome = await db.transaction(async (tx) => {
        const [existing] = await tx.select().from(users).where(eq(users.email, email)).limit(1);
        const userId =
          existing?.id ??
          (
            await tx
              .insert(users)
              .values({ email, displayName: input.displayName.trim() })
              .returning({ id: users.id })
          )[0]!.id;
        await tx
          .insert(memberships)
          .values({ userId, organizationId: clinicId, role: input.role })
          .onConflictDoNothing();
        if (existing?.passwordHash) return 'role-added' as const;
        await tx.insert(userTokens).values({
          userId,
          purpose: 'invite',
          tokenHash: hashSecretToken(token),
          expiresAt: new Date(clock.now().getTime() + INVITE_TTL_MS),
        });
        return 'invited' as const;
      });
      const text =
        outcome === 'invited'
          ? `You have been invited to join your clinic on OpenVisit. Choose a password to ` +
            `activate your account:\n\n${publicUrl}/accept-invite?token=${token}\n\n` +
            'The link works once and expires in 7 days.'
          : `Your OpenVisit account was given a new role at a clinic. Sign in at ${publicUrl}/sign-in.`;
      mailer
        .send({ to: email, category: 'invite', subject: 'Your OpenVisit invitation', text })
        .catch((err: unknown) => log.error({ err }, 'invitation email not sent'));
    },

    /** Sets the password of an invited person (the link proves the mailbox). */
    async acceptInvite(token: string, password: string) {
      const [pending] = await db
        .select({ userId: userTokens.userId, email: users.email, displayName: users.displayName })
        .from(userTokens)
        .innerJoin(users, eq(users.id, userTokens.userId))
        .where(eq(userTokens.tokenHash, hashSecretToken(token)))
        .limit(1);
      if (pending) {
        assertAcceptablePassword(password, pending, 'password');
      }
      const passwordHash = await hashPassword(password);
      const now = clock.now();
      const [used] = await db
        .update(userTokens)
        .set({ usedAt: now })
        .where(
          and(
            eq(userTokens.tokenHash, hashSecretToken(token)),
            eq(userTokens.purpose, 'invite'),
            isNull(userTokens.usedAt),
            gt(userTokens.expiresAt, now),
          ),
        )
        .returning({ userId: userTokens.userId });
      if (!used) {
        throw new AppError('invalid-token', 'This invitation is invalid, used or expired.');
      }
      await db
        .update(users)
        .set({ passwordHash, emailVerifiedAt: now })
        .where(eq(users.id, used.userId));
    },

    async disable(clinicId: string, actorId: string, userId: string) {
      if (actorId === userId)
        throw new AppError('conflict', 'You cannot disable your own account.');
      await assertMember(clinicId, userId);
      await db.update(users).set({ status: 'disabled' }).where(eq(users.id, userId));
      await sessions.endAllFor(userId, 'disabled');
    },

    /** Signs a person out everywhere (a lost laptop, a suspected compromise). */
    async endSessions(clinicId: string, userId: string) {
      await assertMember(clinicId, userId);
      await sessions.endAllFor(userId, 'revoked');
    },

    /** For a lost phone: the person sets up a new authenticator at their next sign-in. */
    async resetMfa(clinicId: string, userId: string) {
      await assertMember(clinicId, userId);
      await db.transaction(async (tx) => {
        await tx.delete(mfaTotp).where(eq(mfaTotp.userId, userId));
        await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
      });
      await sessions.endAllFor(userId, 'revoked');
    },
  };
}

export type ClinicPeopleService = ReturnType<typeof createClinicPeopleService>;
