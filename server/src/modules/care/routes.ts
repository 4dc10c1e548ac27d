import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  breakGlassGrantSchema,
  breakGlassListSchema,
  breakGlassRequestSchema,
  patientListQuerySchema,
  patientListSchema,
  patientSummarySchema,
  problemSchema,
  providerDirectorySchema,
} from '@openvisit/contracts';
import { requireActor, type AccessRule } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { auditResults, type RouteAudit } from '../audit/audit-hooks.js';
import type { CareService } from './care-service.js';

const tags = ['care'];
const clinicParams = z.object({ clinicId: z.uuid() });
const patientParams = z.object({ clinicId: z.uuid(), patientId: z.uuid() });
const teamParams = patientParams.extend({ providerId: z.uuid() });
const grantParams = z.object({ clinicId: z.uuid(), grantId: z.uuid() });

const workforce: AccessRule = { rule: 'clinic-role', roles: ['provider', 'staff', 'admin'] };
const admins: AccessRule = { rule: 'clinic-role', roles: ['admin'] };
const providers: AccessRule = { rule: 'clinic-role', roles: ['provider'] };
const recordSummary: AccessRule = { rule: 'patient-record', content: 'administrative' };
const careTeamChange: RouteAudit = {
  action: 'permission_change',
  resource: 'care-team',
  resourceParam: 'providerId',
};
const careTeamManagers: AccessRule = {
  rule: 'patient-record',
  content: 'administrative',
  roles: ['staff', 'admin'],
};

export const careRoutes: FastifyPluginAsyncZod<{ care: CareService }> = async (app, { care }) => {
  app.get(
    '/api/clinics/:clinicId/patients',
    {
      config: { access: workforce, audit: { action: 'search', resource: 'patient' } },
      schema: {
        tags,
        summary: "The clinic's patients the viewer may see",
        params: clinicParams,
        querystring: patientListQuerySchema,
        response: { 200: patientListSchema },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const roles = actor.memberships
        .filter((m) => m.organizationId === request.params.clinicId)
        .map((m) => m.role);
      const patients = await care.listPatients(
        request.params.clinicId,
        { userId: actor.userId, roles },
        request.query,
      );
      auditResults(
        request,
        patients.map((p) => p.id),
      );
      return { patients };
    },
  );

  app.get(
    '/api/clinics/:clinicId/providers',
    {
      config: { access: workforce },
      schema: {
        tags,
        summary: "The clinic's active providers (for care teams)",
        params: clinicParams,
        response: { 200: providerDirectorySchema },
      },
    },
    async (request) => ({ providers: await care.providers(request.params.clinicId) }),
  );

  app.get(
    '/api/clinics/:clinicId/patients/:patientId',
    {
      config: { access: recordSummary, audit: { action: 'read', resource: 'patient-summary' } },
      schema: {
        tags,
        summary: 'A patient: who they are and who cares for them',
        params: patientParams,
        response: { 200: patientSummarySchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const summary = await care.patientSummary(request.params.clinicId, request.params.patientId);
      return { ...summary, access: request.recordAccess!.basis };
    },
  );

  app.put(
    '/api/clinics/:clinicId/patients/:patientId/care-team/:providerId',
    {
      config: { access: careTeamManagers, audit: careTeamChange },
      schema: {
        tags,
        summary: "Put a provider on the patient's care team",
        params: teamParams,
        response: { 204: z.null(), 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId, providerId } = request.params;
      await care.assign(clinicId, patientId, providerId, requireActor(request).userId);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/clinics/:clinicId/patients/:patientId/care-team/:providerId',
    {
      config: { access: careTeamManagers, audit: careTeamChange },
      schema: {
        tags,
        summary: "Take a provider off the patient's care team",
        params: teamParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId, providerId } = request.params;
      await care.unassign(clinicId, patientId, providerId, requireActor(request).userId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/clinics/:clinicId/patients/:patientId/break-glass',
    {
      config: { access: providers, audit: { action: 'break_glass', resource: 'patient-record' } },
      schema: {
        tags,
        summary: "Emergency access to a patient's record for one hour (admins are told)",
        params: patientParams,
        body: breakGlassRequestSchema,
        response: { 201: breakGlassGrantSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { clinicId, patientId } = request.params;
      if (actor.userId === patientId) {
        throw new AppError('conflict', 'Your own record needs no emergency access.');
      }
      const grant = await care.breakGlass(
        clinicId,
        patientId,
        { userId: actor.userId, sessionId: actor.sessionId },
        request.body.reason,
      );
      return reply.code(201).send({ id: grant.id, expiresAt: grant.expiresAt.toISOString() });
    },
  );

  app.get(
    '/api/clinics/:clinicId/break-glass',
    {
      config: { access: admins, audit: { action: 'read', resource: 'break-glass-grant' } },
      schema: {
        tags,
        summary: 'Emergency accesses at the clinic, for review',
        params: clinicParams,
        response: { 200: breakGlassListSchema },
      },
    },
    async (request) => {
      const grants = await care.listBreakGlass(request.params.clinicId);
      auditResults(request, [...new Set(grants.map((g) => g.patientId))]);
      return { grants };
    },
  );

  app.post(
    '/api/clinics/:clinicId/break-glass/:grantId/review',
    {
      config: {
        access: admins,
        audit: { action: 'update', resource: 'break-glass-grant', resourceParam: 'grantId' },
      },
      schema: {
        tags,
        summary: 'Mark an emergency access as reviewed',
        params: grantParams,
        response: { 204: z.null(), 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { clinicId, grantId } = request.params;
      await care.reviewBreakGlass(clinicId, grantId, requireActor(request).userId);
      return reply.code(204).send(null);
    },
  );
};
