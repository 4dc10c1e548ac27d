import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  problemSchema,
  visitTypeCreateSchema,
  visitTypeListQuerySchema,
  visitTypeListSchema,
  visitTypeSchema,
  visitTypeUpdateSchema,
} from '@openvisit/contracts';
import { createdIdOf, type RouteAudit } from '../audit/audit-hooks.js';
import { admins, members, viewerAt } from './availability-access.js';
import type { VisitTypeService } from './visit-type-service.js';

const tags = ['scheduling'];
const clinicParams = z.object({ clinicId: z.uuid() });
const visitTypeParams = clinicParams.extend({ visitTypeId: z.uuid() });

// No patient data, but the clinic's offer (prices, consents asked for) deserves a trail.
const created: RouteAudit = { action: 'create', resource: 'visit-type' };
const updated: RouteAudit = {
  action: 'update',
  resource: 'visit-type',
  resourceParam: 'visitTypeId',
};

export const visitTypeRoutes: FastifyPluginAsyncZod<{ visitTypes: VisitTypeService }> = async (
  app,
  { visitTypes },
) => {
  app.get(
    '/api/clinics/:clinicId/visit-types',
    {
      config: { access: members },
      schema: {
        tags,
        summary: 'What can be booked here (admins may include retired visit types)',
        params: clinicParams,
        querystring: visitTypeListQuerySchema,
        response: { 200: visitTypeListSchema },
      },
    },
    async (request) => {
      const { clinicId } = request.params;
      const isAdmin = viewerAt(request, clinicId).roles.includes('admin');
      const includeInactive = isAdmin && request.query.includeInactive;
      return { visitTypes: await visitTypes.list(clinicId, { includeInactive }) };
    },
  );

  app.post(
    '/api/clinics/:clinicId/visit-types',
    {
      config: { access: admins, audit: created },
      schema: {
        tags,
        summary: 'Add a visit type',
        params: clinicParams,
        body: visitTypeCreateSchema,
        response: { 201: visitTypeSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const visitType = await visitTypes.create(
        request.params.clinicId,
        createdIdOf(request),
        request.body,
      );
      return reply.code(201).send(visitType);
    },
  );

  app.put(
    '/api/clinics/:clinicId/visit-types/:visitTypeId',
    {
      config: { access: admins, audit: updated },
      schema: {
        tags,
        summary: 'Change a visit type; `active: false` retires it (never deleted)',
        params: visitTypeParams,
        body: visitTypeUpdateSchema,
        response: { 200: visitTypeSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { clinicId, visitTypeId } = request.params;
      return visitTypes.update(clinicId, visitTypeId, request.body);
    },
  );
};
