import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  guestVisitSchema,
  iceServersSchema,
  problemSchema,
  visitGuestListSchema,
  visitGuestSchema,
  visitInviteAcceptSchema,
  visitInviteSchema,
  type IceServers,
} from '@openvisit/contracts';
import { AppError } from '../../platform/errors.js';
import { createdIdOf, type RouteAudit } from '../audit/audit-hooks.js';
import { providerOfVisit, visitRecord } from './visit-access.js';
import { readGuestToken, setGuestCookie } from './visit-guest-cookie.js';
import type { GuestSession, VisitGuestService } from './visit-guests.js';
import { actorOf } from './visit-routes.js';

const tags = ['visit guests'];
const visitParams = z.object({ clinicId: z.uuid(), visitId: z.uuid() });
const guestParams = visitParams.extend({ guestId: z.uuid() });
const problems = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const guestProblems = { 400: problemSchema, 401: problemSchema, 409: problemSchema };

/** The guest list: the visit's patient may look (read only); the service checks whose. */
const guestListViewers = { ...visitRecord, roles: ['patient' as const, 'provider' as const] };
/** Guest routes: the guest's own cookie, nothing else (platform/access.ts). */
const guestOnly = { access: { rule: 'visit-guest' as const } };
const guestChange: RouteAudit = {
  action: 'update',
  resource: 'visit-guest',
  resourceParam: 'guestId',
};

/**
 * Guests of a video visit (docs/visits.md "Guests"): the provider's invite, admit and remove;
 * the guest's accept (no account), their view of the visit and their ICE servers.
 */
export const visitGuestRoutes: FastifyPluginAsyncZod<{
  guests: VisitGuestService;
  iceServersFor: (id: string) => IceServers;
  production: boolean;
}> = async (app, { guests, iceServersFor, production }) => {
  const base = '/api/clinics/:clinicId/visits/:visitId';

  /** The guest behind the request's guest cookie, or 401. */
  async function guestOf(request: FastifyRequest): Promise<GuestSession> {
    const session = await guests.authenticate(readGuestToken(request.cookies));
    if (!session) throw new AppError('unauthenticated', 'Open your invite link again.');
    return session;
  }
  const guestFacts = (session: GuestSession) => ({
    guestId: session.guest.id,
    clinicId: session.visit.clinicId,
    patientId: session.visit.patient.id,
  });
  /** An event of the guest's own doing, for the visit's patient (no session: their id). */
  const auditGuest = (
    request: FastifyRequest,
    event: { action: 'read' | 'update'; resourceType: string; resourceId: string },
    facts: { guestId: string; clinicId: string; patientId: string },
  ) =>
    app.recordAudit(
      request,
      {
        ...event,
        outcome: 'allowed',
        actorUserId: facts.guestId,
        actorRole: 'guest',
        sessionId: facts.guestId,
        organizationId: facts.clinicId,
        patientId: facts.patientId,
        basis: 'visit-guest',
      },
      'required',
    );

  app.post(
    `${base}/invites`,
    {
      config: {
        access: providerOfVisit,
        audit: { action: 'create', resource: 'visit-guest' },
      },
      schema: {
        tags,
        summary: 'Invite a guest (interpreter, family member): a single-use link, shown once',
        params: visitParams,
        response: { 201: visitInviteSchema, ...problems },
      },
    },
    async (request, reply) => {
      const { clinicId, visitId } = request.params;
      const invite = await guests.invite(clinicId, visitId, actorOf(request), createdIdOf(request));
      // The link is a credential: never cached.
      return reply.code(201).header('cache-control', 'no-store').send(invite);
    },
  );

  app.get(
    `${base}/guests`,
    {
      config: {
        access: guestListViewers,
        audit: { action: 'read', resource: 'visit-guest', resourceParam: 'visitId' },
      },
      schema: {
        tags,
        summary: "The visit's guests: invited, waiting, admitted or removed",
        params: visitParams,
        response: { 200: visitGuestListSchema, ...problems },
      },
    },
    async (request) => ({
      guests: await guests.list(request.params.clinicId, request.params.visitId, actorOf(request)),
    }),
  );

  for (const [action, summary] of [
    ['admit', `Let a waiting guest into the call (at most four people in it)`],
    ['remove', 'Take a guest out of the call, or withdraw an unused link'],
  ] as const) {
    app.post(
      `${base}/guests/:guestId/${action}`,
      {
        config: { access: providerOfVisit, audit: guestChange },
        schema: {
          tags,
          summary,
          params: guestParams,
          response: { 200: visitGuestSchema, ...problems },
        },
      },
      async (request) => {
        const { clinicId, visitId, guestId } = request.params;
        return guests[action](clinicId, visitId, guestId, actorOf(request));
      },
    );
  }

  app.post(
    '/api/visit-invites/accept',
    {
      config: { access: { rule: 'public' } },
      schema: {
        tags,
        summary: 'Use an invite link (once): the guest waits for the provider to admit them',
        body: visitInviteAcceptSchema,
        response: { 200: guestVisitSchema, ...guestProblems },
      },
    },
    async (request, reply) => {
      const accepted = await guests.accept(
        request.body.token,
        request.body.displayName,
        // The session exists only if its start is on the audit trail.
        (facts) =>
          auditGuest(
            request,
            { action: 'update', resourceType: 'visit-guest', resourceId: facts.guestId },
            facts,
          ),
      );
      setGuestCookie(reply, accepted.sessionToken, accepted.expiresAt, production);
      return reply.header('cache-control', 'no-store').send(accepted.guestVisit);
    },
  );

  app.get(
    '/api/guest/visit',
    {
      config: guestOnly,
      schema: {
        tags,
        summary: "A guest's view of their visit: its state, the provider, the call once admitted",
        response: { 200: guestVisitSchema, ...guestProblems },
      },
    },
    async (request, reply) => {
      const session = await guestOf(request);
      await auditGuest(
        request,
        { action: 'read', resourceType: 'visit', resourceId: session.visit.id },
        guestFacts(session),
      );
      return reply.header('cache-control', 'no-store').send(await guests.guestVisit(session));
    },
  );

  app.get(
    '/api/guest/visit/ice-servers',
    {
      config: guestOnly,
      schema: {
        tags,
        summary: "STUN and TURN servers for an admitted guest's call",
        response: { 200: iceServersSchema, ...guestProblems, 403: problemSchema },
      },
    },
    async (request, reply) => {
      const session = await guestOf(request);
      if (!session.guest.admittedAt) {
        throw new AppError('forbidden', 'The provider has not let you in yet.');
      }
      if (session.visit.state !== 'in-progress') {
        throw new AppError('visit-state', 'The call is open while the visit is under way.');
      }
      // Like the participants' route: who set up a connection to the call, and when.
      await auditGuest(
        request,
        { action: 'read', resourceType: 'visit-call', resourceId: session.visit.id },
        guestFacts(session),
      );
      void reply.header('cache-control', 'no-store');
      // The guest's id names the TURN credential (`<expiry>:<guest id>`): no ':' inside.
      return iceServersFor(session.guest.id);
    },
  );
};
