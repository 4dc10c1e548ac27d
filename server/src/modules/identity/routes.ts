import '@fastify/cookie';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptedSchema,
  currentSessionSchema,
  loginRequestSchema,
  passwordChangeSchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  problemSchema,
  registerRequestSchema,
  sessionListSchema,
  tokenRequestSchema,
} from '@openvisit/contracts';
import { requireActor, type Actor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import type { AccountService } from './account-service.js';
import type { LoginThrottle } from './login-throttle.js';
import {
  clearSessionCookie,
  readDeviceToken,
  setDeviceCookie,
  setSessionCookie,
} from './session-cookie.js';
import type { SessionService } from './session-service.js';

export interface IdentityRouteDeps {
  accounts: AccountService;
  sessions: SessionService;
  throttle: LoginThrottle;
  production: boolean;
}

const anyone = { access: { rule: 'public' as const } };
const signedIn = { access: { rule: 'authenticated' as const } };
/** Sessions still owing a second factor may look at themselves and sign out. */
const signingIn = { access: { rule: 'signing-in' as const } };
const tags = ['identity'];

export const identityRoutes: FastifyPluginAsyncZod<IdentityRouteDeps> = async (
  app,
  { accounts, sessions, throttle, production },
) => {
  app.post(
    '/api/auth/register',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Create a patient account; the answer is the same for a known email',
        body: registerRequestSchema,
        response: { 202: acceptedSchema },
      },
    },
    async (request, reply) => {
      await accounts.register(request.body);
      return reply.code(202).send({ message: 'Check your email to confirm your address.' });
    },
  );

  app.post(
    '/api/auth/verify-email',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Confirm an email address with the emailed single-use link',
        body: tokenRequestSchema,
        response: { 200: z.object({ verified: z.literal(true) }), 400: problemSchema },
      },
    },
    async (request) => {
      await accounts.verifyEmail(request.body.token);
      return { verified: true as const };
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Sign in with email and password; starts a new session',
        body: loginRequestSchema,
        response: { 200: currentSessionSchema, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const accountId = await accounts.idForEmail(email);
      const knownDevice = throttle.isKnownDevice(readDeviceToken(request), accountId);
      await throttle.check(email, request.ip, knownDevice);
      const user = await accounts.authenticate(email, password).catch(async (err: unknown) => {
        if (err instanceof AppError && err.code === 'invalid-credentials') {
          await throttle.failed(email, request.ip);
          // The account's id only (never the email typed): unknown emails have none.
          await app.recordAudit(
            request,
            {
              action: 'login_failed',
              resourceType: 'session',
              outcome: 'denied',
              actorUserId: accountId,
            },
            'best-effort',
          );
        }
        throw err;
      });
      await throttle.succeeded(email);
      const started = await sessions.start(user.id, {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      // No session goes to the browser unless its sign-in is on the audit trail.
      await app
        .recordAudit(
          request,
          {
            action: 'login',
            resourceType: 'session',
            resourceId: started.sessionId,
            outcome: 'allowed',
            actorUserId: user.id,
            sessionId: started.sessionId,
          },
          'required',
        )
        .catch(async (err: unknown) => {
          await sessions.end(started.sessionId, 'revoked');
          throw err;
        });
      setDeviceCookie(reply, throttle.deviceToken(user.id), production);
      setSessionCookie(reply, started.token, started.expiresAt, production);
      const session = await sessions.resolve(started.token);
      return describe(await accounts.profile(user.id), session!);
    },
  );

  app.post(
    '/api/auth/logout',
    { config: signingIn, schema: { tags, summary: 'End this session' } },
    async (request, reply) => {
      const actor = requireActor(request);
      await sessions.end(actor.sessionId, 'logout');
      await app.recordAudit(
        request,
        {
          action: 'logout',
          resourceType: 'session',
          resourceId: actor.sessionId,
          outcome: 'allowed',
        },
        'best-effort',
      );
      clearSessionCookie(reply, production);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/session',
    {
      config: signingIn,
      schema: {
        tags,
        summary: 'Who is signed in, their roles and when the session ends',
        response: { 200: currentSessionSchema, 401: problemSchema },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      return describe(await accounts.profile(actor.userId), actor);
    },
  );

  app.get(
    '/api/auth/sessions',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Your sessions still in force',
        response: { 200: sessionListSchema },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const rows = await sessions.listActive(actor.userId);
      return {
        sessions: rows.map((s) => ({
          id: s.id,
          current: s.id === actor.sessionId,
          createdAt: s.createdAt.toISOString(),
          lastSeenAt: s.lastSeenAt.toISOString(),
          ipAddress: s.ipAddress,
          userAgent: s.userAgent,
        })),
      };
    },
  );

  app.delete(
    '/api/auth/sessions/:sessionId',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'End one of your sessions (e.g. on a shared computer)',
        params: z.object({ sessionId: z.uuid() }),
        response: { 204: z.null(), 404: problemSchema },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      // Someone else's session id answers exactly like one that does not exist.
      if (!(await sessions.endOwn(actor.userId, request.params.sessionId))) {
        throw new AppError('not-found', 'No such session.');
      }
      if (request.params.sessionId === actor.sessionId) clearSessionCookie(reply, production);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/password-reset',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Email a password reset link; the answer is the same for any email',
        body: passwordResetRequestSchema,
        response: { 202: acceptedSchema },
      },
    },
    async (request, reply) => {
      await accounts.requestPasswordReset(request.body.email);
      return reply
        .code(202)
        .send({ message: 'If an account uses this email, a reset link is on its way.' });
    },
  );

  app.post(
    '/api/auth/password-reset/confirm',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Set a new password with the emailed link; signs out every session',
        body: passwordResetConfirmSchema,
        response: { 204: z.null(), 400: problemSchema },
      },
    },
    async (request, reply) => {
      await accounts.resetPassword(request.body.token, request.body.password);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Change your password; every session ends and this one is renewed',
        body: passwordChangeSchema,
        response: { 200: currentSessionSchema, 400: problemSchema, 401: problemSchema },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      await app.recordAudit(
        request,
        {
          action: 'update',
          resourceType: 'password',
          resourceId: actor.userId,
          outcome: 'allowed',
        },
        'required',
      );
      await accounts.changePassword(
        actor.userId,
        request.body.currentPassword,
        request.body.newPassword,
      );
      // A privilege change gets a new session id: the old cookie is worthless now.
      const started = await sessions.start(actor.userId, {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      setSessionCookie(reply, started.token, started.expiresAt, production);
      const session = await sessions.resolve(started.token);
      return describe(await accounts.profile(actor.userId), session!);
    },
  );
};

export function describe(user: Awaited<ReturnType<AccountService['profile']>>, session: Actor) {
  if (!user) throw new AppError('unauthenticated');
  return {
    user,
    memberships: session.memberships,
    session: {
      id: session.sessionId,
      expiresAt: session.expiresAt.toISOString(),
      idleExpiresAt: session.idleExpiresAt.toISOString(),
      idleTimeoutSeconds: session.idleTimeoutSeconds,
      stage: session.stage,
    },
  };
}
