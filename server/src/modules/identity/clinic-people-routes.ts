import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptInviteSchema,
  acceptedSchema,
  clinicMemberListSchema,
  colleagueListSchema,
  invitationRequestSchema,
  problemSchema,
} from '@openvisit/contracts';
import { requireActor } from '../../platform/access.js';
import type { ClinicPeopleService } from './clinic-people-service.js';

const admins = { access: { rule: 'clinic-role' as const, roles: ['admin' as const] } };
const tags = ['clinic people'];
const clinicParams = z.object({ clinicId: z.uuid() });
const memberParams = z.object({ clinicId: z.uuid(), userId: z.uuid() });

export const clinicPeopleRoutes: FastifyPluginAsyncZod<{ people: ClinicPeopleService }> = async (
  app,
  { people },
) => {
  app.get(
    '/api/clinics/:clinicId/members',
    {
      config: admins,
      schema: {
        tags,
        summary: "The clinic's people with their roles, status and two-step sign-in",
        params: clinicParams,
        response: { 200: clinicMemberListSchema, 404: problemSchema },
      },
    },
    async (request) => ({ members: await people.list(request.params.clinicId) }),
  );

  app.get(
    '/api/clinics/:clinicId/colleagues',
    {
      config: { access: { rule: 'clinic-role', roles: ['provider', 'staff', 'admin'] } },
      schema: {
        tags,
        summary: "The clinic's active providers, staff and admins by name (to assign work)",
        params: clinicParams,
        response: { 200: colleagueListSchema, 404: problemSchema },
      },
    },
    async (request) => ({ colleagues: await people.colleagues(request.params.clinicId) }),
  );

  app.post(
    '/api/clinics/:clinicId/invitations',
    {
      config: { ...admins, audit: { action: 'permission_change', resource: 'invitation' } },
      schema: {
        tags,
        summary: 'Invite a provider, staff member or admin by email',
        params: clinicParams,
        body: invitationRequestSchema,
        response: { 202: acceptedSchema },
      },
    },
    async (request, reply) => {
      await people.invite(request.params.clinicId, request.body);
      return reply.code(202).send({ message: 'Invitation sent.' });
    },
  );

  app.post(
    '/api/clinics/:clinicId/members/:userId/disable',
    {
      config: {
        ...admins,
        audit: { action: 'permission_change', resource: 'user', resourceParam: 'userId' },
      },
      schema: {
        tags,
        summary: 'Disable an account: it can no longer sign in and every session ends',
        params: memberParams,
        response: { 204: z.null(), 404: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      await people.disable(
        request.params.clinicId,
        requireActor(request).userId,
        request.params.userId,
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/clinics/:clinicId/members/:userId/reset-mfa',
    {
      config: {
        ...admins,
        audit: { action: 'mfa_reset', resource: 'user', resourceParam: 'userId' },
      },
      schema: {
        tags,
        summary: 'Remove a person’s authenticator (lost phone); they set up a new one at sign-in',
        params: memberParams,
        response: { 204: z.null(), 404: problemSchema },
      },
    },
    async (request, reply) => {
      await people.resetMfa(request.params.clinicId, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/clinics/:clinicId/members/:userId/end-sessions',
    {
      config: {
        ...admins,
        audit: { action: 'permission_change', resource: 'session', resourceParam: 'userId' },
      },
      schema: {
        tags,
        summary: 'Sign a person out on every device',
        params: memberParams,
        response: { 204: z.null(), 404: problemSchema },
      },
    },
    async (request, reply) => {
      await people.endSessions(request.params.clinicId, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/accept-invite',
    {
      config: { access: { rule: 'public' } },
      schema: {
        tags: ['identity'],
        summary: 'Choose a password with an emailed invitation link',
        body: acceptInviteSchema,
        response: { 204: z.null(), 400: problemSchema },
      },
    },
    async (request, reply) => {
      await people.acceptInvite(request.body.token, request.body.password);
      return reply.code(204).send(null);
    },
  );
};
