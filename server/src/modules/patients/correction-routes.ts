import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  correctionDecisionSchema,
  correctionListSchema,
  correctionQueueQuerySchema,
  correctionRequestCreateSchema,
  correctionRequestSchema,
  problemSchema,
} from '@openvisit/contracts';
import { requireActor, type AccessRule } from '../../platform/access.js';
import { auditResults, createdIdOf } from '../audit/audit-hooks.js';
import type { CorrectionsService } from './corrections-service.js';

const tags = ['patient chart'];
const clinicParams = z.object({ clinicId: z.uuid() });
const patientParams = clinicParams.extend({ patientId: z.uuid() });
const requestParams = patientParams.extend({ requestId: z.uuid() });

/** Only the patient asks for their own record to be amended. */
const patientThemself: AccessRule = {
  rule: 'patient-record',
  content: 'administrative',
  roles: ['patient'],
};
const readers: AccessRule = { rule: 'patient-record', content: 'administrative' };
/** Staff and admins decide about who the patient is; the patient's providers about health. */
const deciders: AccessRule = {
  rule: 'patient-record',
  content: 'administrative',
  roles: ['provider', 'staff', 'admin'],
};

export const correctionRoutes: FastifyPluginAsyncZod<{ corrections: CorrectionsService }> = async (
  app,
  { corrections },
) => {
  const base = '/api/clinics/:clinicId/patients/:patientId/corrections';

  app.post(
    base,
    {
      config: {
        access: patientThemself,
        audit: { action: 'create', resource: 'correction-request' },
      },
      schema: {
        tags,
        summary: 'Ask the clinic to correct something in your record (HIPAA 164.526)',
        params: patientParams,
        body: correctionRequestCreateSchema,
        response: { 201: correctionRequestSchema, 400: problemSchema },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId } = request.params;
      const created = await corrections.create(
        clinicId,
        patientId,
        request.body,
        createdIdOf(request),
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    base,
    {
      config: { access: readers, audit: { action: 'read', resource: 'correction-request' } },
      schema: {
        tags,
        summary: "A patient's correction requests and their outcomes",
        params: patientParams,
        response: { 200: correctionListSchema },
      },
    },
    async (request) => ({
      requests: await corrections.listForPatient(
        request.params.clinicId,
        request.params.patientId,
        request.recordAccess!.basis,
      ),
    }),
  );

  app.post(
    `${base}/:requestId/decision`,
    {
      config: {
        access: deciders,
        audit: { action: 'update', resource: 'correction-request', resourceParam: 'requestId' },
      },
      schema: {
        tags,
        summary: 'Accept or deny a correction request, in writing',
        params: requestParams,
        body: correctionDecisionSchema,
        response: { 200: correctionRequestSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request) => {
      const { clinicId, patientId, requestId } = request.params;
      const actor = { userId: requireActor(request).userId, basis: request.recordAccess!.basis };
      return corrections.decide(clinicId, patientId, requestId, actor, request.body);
    },
  );

  app.get(
    '/api/clinics/:clinicId/corrections',
    {
      config: {
        access: { rule: 'clinic-role', roles: ['staff', 'admin'] },
        audit: { action: 'search', resource: 'correction-request' },
      },
      schema: {
        tags,
        summary: "The clinic's correction requests by status (pending: oldest first)",
        params: clinicParams,
        querystring: correctionQueueQuerySchema,
        response: { 200: correctionListSchema },
      },
    },
    async (request) => {
      const requests = await corrections.queue(request.params.clinicId, request.query.status);
      auditResults(request, [...new Set(requests.map((r) => r.patientId))]);
      return { requests };
    },
  );
};
