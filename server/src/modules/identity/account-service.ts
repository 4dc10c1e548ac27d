import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDatabase } from '../../db/client.js';
import { memberships, userTokens, users } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { ClinicService } from '../clinics/service.js';
import { assertAcceptablePassword } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';
import type { SessionService } from './session-service.js';

const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60 * 1000;
const PASSWORD_RESET_TTL_MS = 30 * 60 * 1000;

type TokenPurpose = (typeof userTokens.$inferSelect)['purpose'];

export interface AccountDeps {
  db: AppDatabase;
  clock: Clock;
  mailer: Mailer;
  sessions: SessionService;
  clinics: ClinicService;
  publicUrl: string;
  log: FastifyBaseLogger;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Accounts, email verification and passwords: identity owns users, memberships and tokens. */
export function createAccountService(deps: AccountDeps) {
  const { db, clock, mailer, sessions, clinics, publicUrl, log } = deps;

  const findByEmail = async (email: string) =>
    (
      await db
        .select()
        .from(users)
        .where(eq(sql`lower(${users.email})`, normalizeEmail(email)))
        .limit(1)
    )[0];

  async function issueToken(userId: string, purpose: TokenPurpose, ttlMs: number) {
    const token = newSecretToken();
    await db.insert(userTokens).values({
      userId,
      purpose,
      tokenHash: hashSecretToken(token),
      expiresAt: new Date(clock.now().getTime() + ttlMs),
    });
    return token;
  }

  /** Marks a token used and returns its user, in one statement: a second use finds nothing. */
  async function consumeToken(token: string, purpose: TokenPurpose) {
    const [row] = await db
      .update(userTokens)
      .set({ usedAt: clock.now() })
      .where(
        and(
          eq(userTokens.tokenHash, hashSecretToken(token)),
          eq(userTokens.purpose, purpose),
          isNull(userTokens.usedAt),
          gt(userTokens.expiresAt, clock.now()),
        ),
      )
      .returning({ userId: userTokens.userId });
    if (!row) throw new AppError('invalid-token', 'This link is invalid, used or expired.');
    return row.userId;
  }

  /**
   * Mail that must not change the response: sent after replying, so whether an account
   * exists cannot be read from the response time. Failures are logged without content.
   */
  function sendLater(work: () => Promise<void>) {
    setImmediate(() => {
      work().catch((err: unknown) => log.error({ err }, 'account email not sent'));
    });
  }

  return {
    async register(input: {
      email: string;
      password: string;
      displayName: string;
      clinicSlug: string;
    }) {
      const email = normalizeEmail(input.email);
      assertAcceptablePassword(
        input.password,
        { email, displayName: input.displayName },
        'password',
      );
      const clinic = await clinics.findPublicBySlug(input.clinicSlug);
      if (!clinic) throw new AppError('not-found', 'No clinic has this address.');
      // Hashed on both paths, so a known email answers exactly as fast as a new one.
      const passwordHash = await hashPassword(input.password);

      const existing = await findByEmail(email);
      if (existing) {
        sendLater(() =>
          mailer.send({
            to: existing.email,
            category: 'security-notice',
            subject: 'Someone tried to create an OpenVisit account with your email',
            text:
              'Someone (perhaps you) tried to create a new account with this email address, ' +
              `which already has one. To sign in, go to ${publicUrl}/sign-in. If you forgot ` +
              `your password, reset it at ${publicUrl}/forgot-password. If this was not you, ` +
              'you can ignore this message.',
          }),
        );
        return;
      }
      const created = await db.transaction(async (tx) => {
        const inserted = await tx
          .insert(users)
          .values({ email, passwordHash, displayName: input.displayName.trim() })
          .onConflictDoNothing()
          .returning({ id: users.id });
        if (!inserted[0]) return undefined; // registered a moment ago by a concurrent request
        await tx
          .insert(memberships)
          .values({ userId: inserted[0].id, organizationId: clinic.id, role: 'patient' });
        return inserted[0].id;
      });
      if (!created) return;
      const token = await issueToken(created, 'verify-email', VERIFY_EMAIL_TTL_MS);
      sendLater(() =>
        mailer.send({
          to: email,
          category: 'verify-email',
          subject: 'Confirm your email for OpenVisit',
          text:
            `Welcome to OpenVisit. Confirm your email address to finish creating your account:\n\n` +
            `${publicUrl}/verify-email?token=${token}\n\nThe link works once and expires in 24 hours.`,
        }),
      );
    },

    /** The account id for an email, if any (never sent to clients). */
    async idForEmail(email: string) {
      return (await findByEmail(email))?.id;
    },

    async verifyEmail(token: string) {
      const userId = await consumeToken(token, 'verify-email');
      await db
        .update(users)
        .set({ emailVerifiedAt: clock.now() })
        .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)));
    },

    /** Checks credentials; the same answer for an unknown email and a wrong password. */
    async authenticate(email: string, password: string) {
      const user = await findByEmail(email);
      const valid = await verifyPassword(user?.passwordHash, password);
      if (!user || !valid || user.status !== 'active') {
        throw new AppError('invalid-credentials', 'The email or password is not correct.');
      }
      // Said only to someone who knows the password: it reveals nothing to a stranger.
      if (!user.emailVerifiedAt) {
        throw new AppError('email-not-verified', 'Confirm your email first: check your inbox.');
      }
      return user;
    },

    async requestPasswordReset(email: string) {
      const user = await findByEmail(email);
      if (!user || user.status !== 'active') return;
      sendLater(async () => {
        const token = await issueToken(user.id, 'password-reset', PASSWORD_RESET_TTL_MS);
        await mailer.send({
          to: user.email,
          category: 'password-reset',
          subject: 'Reset your OpenVisit password',
          text:
            `Someone asked to reset the password of your OpenVisit account. To choose a new ` +
            `password, open:\n\n${publicUrl}/reset-password?token=${token}\n\n` +
            'The link works once and expires in 30 minutes. If you did not ask, ignore this email.',
        });
      });
    },

    /** Sets a new password from an emailed link and signs the person out everywhere. */
    async resetPassword(token: string, password: string) {
      const [pending] = await db
        .select({ email: users.email, displayName: users.displayName })
        .from(userTokens)
        .innerJoin(users, eq(users.id, userTokens.userId))
        .where(eq(userTokens.tokenHash, hashSecretToken(token)))
        .limit(1);
      if (pending) {
        assertAcceptablePassword(password, pending, 'password');
      }
      const passwordHash = await hashPassword(password);
      const userId = await consumeToken(token, 'password-reset');
      await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
      // Following the link proved the person reads this mailbox.
      await db
        .update(users)
        .set({ emailVerifiedAt: clock.now() })
        .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)));
      await sessions.endAllFor(userId, 'password-changed');
    },

    /** Changes the password of a signed-in person and ends every one of their sessions. */
    async changePassword(userId: string, currentPassword: string, newPassword: string) {
      const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
      if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
        throw new AppError('invalid-credentials', 'The current password is not correct.');
      }
      assertAcceptablePassword(newPassword, user, 'newPassword');
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(newPassword) })
        .where(eq(users.id, userId));
      await sessions.endAllFor(userId, 'password-changed');
    },

    async profile(userId: string) {
      const [user] = await db
        .select({
          id: users.id,
          email: users.email,
          displayName: users.displayName,
          timezone: users.timezone,
        })
        .from(users)
        .where(eq(users.id, userId))
        .limit(1);
      return user;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
