import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  currentSessionSchema,
  mfaVerifySchema,
  problemSchema,
  recoveryCodesSchema,
  totpCodeSchema,
  totpSetupSchema,
} from '@openvisit/contracts';
import { requireActor, type Actor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import type { AccountService } from './account-service.js';
import type { LoginThrottle } from './login-throttle.js';
import type { MfaService } from './mfa-service.js';
import { describe } from './routes.js';
import { setSessionCookie } from './session-cookie.js';
import type { SessionService } from './session-service.js';

export interface MfaRouteDeps {
  mfa: MfaService;
  throttle: LoginThrottle;
  accounts: AccountService;
  sessions: SessionService;
  production: boolean;
}

const signingIn = { access: { rule: 'signing-in' as const } };
const tags = ['identity'];

export const mfaRoutes: FastifyPluginAsyncZod<MfaRouteDeps> = async (
  app,
  { mfa, throttle, accounts, sessions, production },
) => {
  /** Privilege went up: replace the session (new id, second factor proven). */
  async function upgradeSession(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    action: 'mfa_enroll' | 'mfa_verify',
  ) {
    await app.recordAudit(
      request,
      { action, resourceType: 'session', resourceId: actor.sessionId, outcome: 'allowed' },
      'required',
    );
    await sessions.end(actor.sessionId, 'rotated');
    const started = await sessions.start(
      actor.userId,
      { ip: request.ip, userAgent: request.headers['user-agent'] },
      'mfa',
    );
    setSessionCookie(reply, started.token, started.expiresAt, production);
    return describe(await accounts.profile(actor.userId), (await sessions.resolve(started.token))!);
  }

  app.post(
    '/api/auth/mfa/totp/setup',
    {
      config: signingIn,
      schema: {
        tags,
        summary: 'Start setting up an authenticator app (secret and QR code URI)',
        response: { 200: totpSetupSchema, 403: problemSchema, 409: problemSchema },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      // Someone who knows only the password must not swap in their own authenticator.
      if (actor.stage === 'mfa-challenge') {
        throw new AppError('mfa-required', 'Finish signing in with your current authenticator.');
      }
      return mfa.beginEnrollment(actor.userId);
    },
  );

  app.post(
    '/api/auth/mfa/totp/confirm',
    {
      config: signingIn,
      schema: {
        tags,
        summary: 'Confirm the authenticator with a first code; returns recovery codes once',
        body: totpCodeSchema,
        response: { 200: recoveryCodesSchema, 400: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      if (actor.stage === 'mfa-challenge') {
        throw new AppError('mfa-required', 'Finish signing in with your current authenticator.');
      }
      const recoveryCodes = await mfa.confirmEnrollment(actor.userId, request.body.code);
      return {
        recoveryCodes,
        session: await upgradeSession(request, reply, actor, 'mfa_enroll'),
      };
    },
  );

  app.post(
    '/api/auth/mfa/verify',
    {
      config: signingIn,
      schema: {
        tags,
        summary: 'Finish signing in with an authenticator code or a recovery code',
        body: mfaVerifySchema,
        response: { 200: currentSessionSchema, 400: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      if (actor.stage !== 'mfa-challenge') {
        throw new AppError('conflict', 'This session does not need a code.');
      }
      // Six digits are guessable without a limit: the same progressive delays as passwords.
      const subject = `mfa:${actor.userId}`;
      await throttle.check(subject, request.ip, false);
      try {
        if ('code' in request.body) await mfa.verifyCode(actor.userId, request.body.code);
        else await mfa.useRecoveryCode(actor.userId, request.body.recoveryCode);
      } catch (err) {
        if (err instanceof AppError && err.code === 'invalid-code') {
          await throttle.failed(subject, request.ip);
          await app.recordAudit(
            request,
            { action: 'mfa_failed', resourceType: 'session', outcome: 'denied' },
            'best-effort',
          );
        }
        throw err;
      }
      await throttle.succeeded(subject);
      return upgradeSession(request, reply, actor, 'mfa_verify');
    },
  );
};
