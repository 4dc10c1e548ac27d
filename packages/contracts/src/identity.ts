import { z } from 'zod';
import { clinicSlugSchema } from './clinics.js';

// Lengths are checked by the server's password policy (12-128 characters) so that one
// message explains every rule; the schema only bounds what is worth parsing.
const password = z.string().min(1).max(1024);
const email = z.email().max(254);

export const registerRequestSchema = z.object({
  email,
  password,
  displayName: z.string().trim().min(1).max(120),
  clinicSlug: clinicSlugSchema,
});

export const loginRequestSchema = z.object({ email: z.string().max(254), password });

export const tokenRequestSchema = z.object({ token: z.string().min(20).max(200) });

export const passwordResetRequestSchema = z.object({ email: z.string().max(254) });

export const passwordResetConfirmSchema = z.object({
  token: z.string().min(20).max(200),
  password,
});

export const passwordChangeSchema = z.object({ currentPassword: password, newPassword: password });

/** The same answer whether or not an account exists, so nobody can probe for one. */
export const acceptedSchema = z.object({ message: z.string() });

export const membershipSchema = z.object({
  organizationId: z.uuid(),
  role: z.enum(['patient', 'provider', 'staff', 'admin']),
});

export const currentSessionSchema = z.object({
  user: z.object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    timezone: z.string(),
  }),
  memberships: z.array(membershipSchema),
  session: z.object({
    id: z.uuid(),
    expiresAt: z.iso.datetime(),
    idleExpiresAt: z.iso.datetime(),
    /** The idle limit the session has (the web app warns before it runs out). */
    idleTimeoutSeconds: z.number().int().positive(),
    /** `complete`, or the second-factor step still owed: `mfa-challenge` / `mfa-enrollment`. */
    stage: z.enum(['complete', 'mfa-challenge', 'mfa-enrollment']),
  }),
});

export const totpSetupSchema = z.object({
  /** Base32 secret, for typing into an authenticator app by hand. */
  secret: z.string(),
  /** otpauth:// URI, shown as a QR code. */
  otpauthUri: z.string(),
});

export const totpCodeSchema = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') });

export const mfaVerifySchema = z.union([
  z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }),
  z.object({ recoveryCode: z.string().min(8).max(40) }),
]);

export const recoveryCodesSchema = z.object({
  /** Shown once; each works once. */
  recoveryCodes: z.array(z.string()),
  session: z.lazy(() => currentSessionSchema),
});

export const sessionListSchema = z.object({
  sessions: z.array(
    z.object({
      id: z.uuid(),
      current: z.boolean(),
      createdAt: z.iso.datetime(),
      lastSeenAt: z.iso.datetime(),
      ipAddress: z.string().nullable(),
      userAgent: z.string().nullable(),
    }),
  ),
});

export type RegisterRequest = z.infer<typeof registerRequestSchema>;
export type LoginRequest = z.infer<typeof loginRequestSchema>;
export type CurrentSession = z.infer<typeof currentSessionSchema>;
export type SessionList = z.infer<typeof sessionListSchema>;

export const staffRoleSchema = z.enum(['provider', 'staff', 'admin']);

export const invitationRequestSchema = z.object({
  email,
  displayName: z.string().trim().min(1).max(120),
  role: staffRoleSchema,
});

export const acceptInviteSchema = z.object({ token: z.string().min(20).max(200), password });

/** The clinic's active providers, staff and admins, by name (for handing work over). */
export const colleagueListSchema = z.object({
  colleagues: z.array(
    z.object({
      id: z.uuid(),
      displayName: z.string(),
      roles: z.array(z.enum(['provider', 'staff', 'admin'])),
    }),
  ),
});
export type ColleagueList = z.infer<typeof colleagueListSchema>;

export const clinicMemberListSchema = z.object({
  members: z.array(
    z.object({
      id: z.uuid(),
      email: z.string(),
      displayName: z.string(),
      status: z.enum(['active', 'disabled']),
      invitationPending: z.boolean(),
      mfaEnabled: z.boolean(),
      roles: z.array(z.enum(['patient', 'provider', 'staff', 'admin'])),
    }),
  ),
});
