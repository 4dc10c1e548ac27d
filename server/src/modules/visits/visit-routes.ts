import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  iceServersSchema,
  problemSchema,
  providerNoteSchema,
  visitChatMessageSchema,
  visitChatSchema,
  visitChatSendSchema,
  visitSchema,
  waitingRoomSchema,
  type IceServers,
  type Visit,
} from '@openvisit/contracts';
import { requireActor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { auditResults, type RouteAudit } from '../audit/audit-hooks.js';
import {
  patientOfVisit,
  providerOfVisit,
  visitCall,
  visitRecord,
  waitingRoomViewers,
} from './visit-access.js';
import type { VisitActor, VisitService } from './visit-service.js';

const tags = ['visits'];
const clinicParams = z.object({ clinicId: z.uuid() });
const visitParams = clinicParams.extend({ visitId: z.uuid() });
const problems = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

const visitChange: RouteAudit = { action: 'update', resource: 'visit', resourceParam: 'visitId' };

/** The caller and their roles at the route's clinic. */
export function actorOf(request: FastifyRequest): VisitActor {
  const actor = requireActor(request);
  const { clinicId } = request.params as { clinicId: string };
  return {
    userId: actor.userId,
    roles: actor.memberships.filter((m) => m.organizationId === clinicId).map((m) => m.role),
  };
}

export const visitRoutes: FastifyPluginAsyncZod<{
  visits: VisitService;
  /** STUN/TURN for one person (platform/turn): short-lived TURN credentials. */
  iceServersFor: (userId: string) => IceServers;
}> = async (app, { visits, iceServersFor }) => {
  const base = '/api/clinics/:clinicId/visits/:visitId';
  const ids = (request: FastifyRequest) => request.params as { clinicId: string; visitId: string };

  app.get(
    base,
    {
      config: {
        access: visitRecord,
        audit: { action: 'read', resource: 'visit', resourceParam: 'visitId' },
      },
      schema: {
        tags,
        summary: 'A video visit: its state, times and people',
        params: visitParams,
        response: { 200: visitSchema, ...problems },
      },
    },
    async (request) => visits.visit(ids(request).clinicId, ids(request).visitId, actorOf(request)),
  );

  const transition = (
    path: string,
    access: typeof visitRecord,
    summary: string,
    run: (clinicId: string, visitId: string, actor: VisitActor) => Promise<Visit>,
  ) =>
    app.post(
      `${base}/${path}`,
      {
        config: { access, audit: visitChange },
        schema: { tags, summary, params: visitParams, response: { 200: visitSchema, ...problems } },
      },
      async (request) => run(ids(request).clinicId, ids(request).visitId, actorOf(request)),
    );

  transition('check-in', patientOfVisit, 'Check in: the patient is in the waiting room', (...a) =>
    visits.checkIn(...a),
  );
  transition('admit', providerOfVisit, 'Admit the waiting patient: the visit starts', (...a) =>
    visits.admit(...a),
  );
  transition('end', providerOfVisit, 'End the visit: the call ends for everyone', (...a) =>
    visits.end(...a),
  );

  app.put(
    `${base}/waiting-note`,
    {
      config: { access: providerOfVisit, audit: visitChange },
      schema: {
        tags,
        summary: 'Tell the waiting patient something ("running about 10 minutes late")',
        params: visitParams,
        body: providerNoteSchema,
        response: { 200: visitSchema, ...problems },
      },
    },
    async (request) =>
      visits.tellWaitingPatient(
        request.params.clinicId,
        request.params.visitId,
        actorOf(request),
        request.body.note,
      ),
  );

  app.get(
    `${base}/chat`,
    {
      config: {
        access: visitCall,
        audit: { action: 'read', resource: 'visit-chat', resourceParam: 'visitId' },
      },
      schema: {
        tags,
        summary: "The visit's chat, oldest first",
        params: visitParams,
        response: { 200: visitChatSchema, ...problems },
      },
    },
    async (request) => ({
      messages: await visits.chat(
        request.params.clinicId,
        request.params.visitId,
        actorOf(request),
      ),
    }),
  );

  app.post(
    `${base}/chat`,
    {
      config: {
        access: visitCall,
        audit: {
          action: 'create',
          resource: 'visit-chat',
          newId: (request) => (request.body as { id?: string } | undefined)?.id ?? '',
        },
      },
      schema: {
        tags,
        summary: 'Send a chat message during the visit (the id makes a resend safe)',
        params: visitParams,
        body: visitChatSendSchema,
        response: { 200: visitChatMessageSchema, 201: visitChatMessageSchema, ...problems },
      },
    },
    async (request, reply) => {
      const { message, replayed } = await visits.sendChat(
        request.params.clinicId,
        request.params.visitId,
        actorOf(request),
        request.body,
      );
      return reply.code(replayed ? 200 : 201).send(message);
    },
  );

  app.get(
    `${base}/ice-servers`,
    {
      // Audited like a read: it records who set up a connection to the call, and when.
      config: {
        access: visitCall,
        audit: { action: 'read', resource: 'visit-call', resourceParam: 'visitId' },
      },
      schema: {
        tags,
        summary: 'STUN and TURN servers for the call, with short-lived TURN credentials',
        params: visitParams,
        response: { 200: iceServersSchema, ...problems },
      },
    },
    async (request, reply) => {
      const { clinicId, visitId } = request.params;
      const actor = actorOf(request);
      const participant = await visits.participantIn(clinicId, visitId, actor.userId);
      if (!participant)
        throw new AppError('forbidden', "Only the visit's participants join its call.");
      if (participant.visit.state !== 'waiting' && participant.visit.state !== 'in-progress') {
        throw new AppError('visit-state', 'The call is open while the visit is under way.');
      }
      // Credentials: never cached by the browser or a proxy.
      void reply.header('cache-control', 'no-store');
      return iceServersFor(actor.userId);
    },
  );

  app.get(
    '/api/clinics/:clinicId/waiting-room',
    {
      config: { access: waitingRoomViewers, audit: { action: 'search', resource: 'visit' } },
      schema: {
        tags,
        summary: 'Visits waiting or under way: a provider their own, staff and admins all',
        params: clinicParams,
        response: { 200: waitingRoomSchema, ...problems },
      },
    },
    async (request) => {
      const list = await visits.waitingRoom(request.params.clinicId, actorOf(request));
      auditResults(request, [...new Set(list.map((v) => v.patient.id))]);
      return { visits: list };
    },
  );
};
