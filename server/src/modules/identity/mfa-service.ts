import { randomBytes } from 'node:crypto';
import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { generateSecret, generateURI, verify } from 'otplib';
import type { AppDatabase } from '../../db/client.js';
import { mfaRecoveryCodes, mfaTotp, users } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import { AppError } from '../../platform/errors.js';
import { hashSecretToken } from './secret-tokens.js';

const ISSUER = 'OpenVisit';
const RECOVERY_CODE_COUNT = 10;
// One step either side: authenticator clocks drift, and a code typed at the end of its
// 30 seconds arrives in the next step.
const EPOCH_TOLERANCE_S = 30;

/** 80 random bits as four groups of four base32 characters, easy to copy by hand. */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  return chars.match(/.{4}/g)!.join('-');
}
const normalizeRecoveryCode = (code: string) => code.trim().toLowerCase().replace(/[\s-]/g, '');

/** Two-step sign-in: authenticator apps (TOTP) and single-use recovery codes. */
export function createMfaService(db: AppDatabase, clock: Clock, cipher: FieldCipher) {
  const epoch = () => Math.floor(clock.now().getTime() / 1000);

  async function replaceRecoveryCodes(userId: string) {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await db.transaction(async (tx) => {
      await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
      await tx
        .insert(mfaRecoveryCodes)
        .values(
          codes.map((code) => ({ userId, codeHash: hashSecretToken(normalizeRecoveryCode(code)) })),
        );
    });
    return codes;
  }

  return {
    async hasAuthenticator(userId: string) {
      const [row] = await db
        .select({ userId: mfaTotp.userId })
        .from(mfaTotp)
        .where(and(eq(mfaTotp.userId, userId), isNotNull(mfaTotp.confirmedAt)));
      return Boolean(row);
    },

    /** Starts (or restarts) enrollment: a new secret, not in force until a code confirms it. */
    async beginEnrollment(userId: string) {
      if (await this.hasAuthenticator(userId)) {
        throw new AppError('conflict', 'An authenticator is already set up for this account.');
      }
      const [user] = await db
        .select({ email: users.email })
        .from(users)
        .where(eq(users.id, userId));
      const secret = generateSecret();
      const sealed = cipher.seal(secret);
      await db
        .insert(mfaTotp)
        .values({ userId, secretSealed: sealed })
        .onConflictDoUpdate({
          target: mfaTotp.userId,
          set: { secretSealed: sealed, lastTimeStep: null },
        });
      return { secret, otpauthUri: generateURI({ issuer: ISSUER, label: user!.email, secret }) };
    },

    /** Confirms enrollment with a first code; returns the recovery codes, shown once. */
    async confirmEnrollment(userId: string, code: string) {
      const [row] = await db
        .select()
        .from(mfaTotp)
        .where(and(eq(mfaTotp.userId, userId), isNull(mfaTotp.confirmedAt)));
      if (!row) throw new AppError('conflict', 'Start setting up an authenticator first.');
      const timeStep = await this.checkCode(row.secretSealed, code, null);
      await db
        .update(mfaTotp)
        .set({ confirmedAt: clock.now(), lastTimeStep: timeStep })
        .where(eq(mfaTotp.userId, userId));
      return replaceRecoveryCodes(userId);
    },

    /** Proves the second factor with an authenticator code; each code works once. */
    async verifyCode(userId: string, code: string) {
      const [row] = await db
        .select()
        .from(mfaTotp)
        .where(and(eq(mfaTotp.userId, userId), isNotNull(mfaTotp.confirmedAt)));
      if (!row) throw new AppError('invalid-code', 'The code is not correct.');
      const timeStep = await this.checkCode(row.secretSealed, code, row.lastTimeStep);
      // Conditional update: of two requests with the same code, only one moves the step on.
      const claimed = await db
        .update(mfaTotp)
        .set({ lastTimeStep: timeStep })
        .where(
          and(
            eq(mfaTotp.userId, userId),
            or(isNull(mfaTotp.lastTimeStep), lt(mfaTotp.lastTimeStep, timeStep)),
          ),
        )
        .returning({ step: mfaTotp.lastTimeStep });
      if (!claimed.length) throw new AppError('invalid-code', 'The code is not correct.');
    },

    /** Proves the second factor with a recovery code, which is then used up. */
    async useRecoveryCode(userId: string, code: string) {
      const used = await db
        .update(mfaRecoveryCodes)
        .set({ usedAt: clock.now() })
        .where(
          and(
            eq(mfaRecoveryCodes.userId, userId),
            eq(mfaRecoveryCodes.codeHash, hashSecretToken(normalizeRecoveryCode(code))),
            isNull(mfaRecoveryCodes.usedAt),
          ),
        )
        .returning({ id: mfaRecoveryCodes.id });
      if (!used.length)
        throw new AppError('invalid-code', 'The recovery code is not correct or was used.');
    },

    /** Returns the accepted time step, refusing wrong codes and replays of a used one. */
    async checkCode(secretSealed: string, code: string, lastTimeStep: number | null) {
      const result = await verify({
        secret: cipher.open(secretSealed),
        token: code,
        epoch: epoch(),
        epochTolerance: EPOCH_TOLERANCE_S,
      });
      const timeStep = result.valid && 'timeStep' in result ? result.timeStep : undefined;
      if (timeStep === undefined || (lastTimeStep !== null && timeStep <= lastTimeStep)) {
        throw new AppError('invalid-code', 'The code is not correct.');
      }
      return timeStep;
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
