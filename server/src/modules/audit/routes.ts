import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  accessHistoryQuerySchema,
  accessHistorySchema,
  auditExportQuerySchema,
  auditSearchQuerySchema,
  auditSearchResultSchema,
  disclosureListSchema,
  disclosureRequestSchema,
  problemSchema,
} from '@openvisit/contracts';
import { requireActor, type AccessRule } from '../../platform/access.js';
import { auditResults } from './audit-hooks.js';
import type { AuditService } from './audit-service.js';
import { toCsv, toFhirNdjson } from './export-formats.js';

const tags = ['audit'];
const clinicParams = z.object({ clinicId: z.uuid() });
const patientParams = z.object({ clinicId: z.uuid(), patientId: z.uuid() });
const admins: AccessRule = { rule: 'clinic-role', roles: ['admin'] };
const theirOwn: AccessRule = {
  rule: 'patient-record',
  content: 'administrative',
  roles: ['patient'],
};
const disclosureReaders: AccessRule = { rule: 'patient-record', content: 'administrative' };
const disclosureWriters: AccessRule = {
  rule: 'patient-record',
  content: 'administrative',
  roles: ['staff', 'admin'],
};

const distinct = (ids: (string | null)[]) => [...new Set(ids.filter((id): id is string => !!id))];

export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditService }> = async (
  app,
  { audit },
) => {
  app.get(
    '/api/clinics/:clinicId/patients/:patientId/access-history',
    {
      config: { access: theirOwn, audit: { action: 'read', resource: 'access-history' } },
      schema: {
        tags,
        summary: 'Who accessed or changed my record (the patient’s own view)',
        params: patientParams,
        querystring: accessHistoryQuerySchema,
        response: { 200: accessHistorySchema, 404: problemSchema },
      },
    },
    async (request) =>
      audit.accessHistory(request.params.clinicId, request.params.patientId, request.query),
  );

  app.get(
    '/api/clinics/:clinicId/patients/:patientId/disclosures',
    {
      config: { access: disclosureReaders, audit: { action: 'read', resource: 'disclosure' } },
      schema: {
        tags,
        summary:
          'Disclosures of the patient’s information outside treatment, payment and operations',
        params: patientParams,
        response: { 200: disclosureListSchema },
      },
    },
    async (request) => ({
      disclosures: await audit.listDisclosures(request.params.clinicId, request.params.patientId),
    }),
  );

  app.post(
    '/api/clinics/:clinicId/patients/:patientId/disclosures',
    {
      config: {
        access: disclosureWriters,
        audit: { action: 'disclosure', resource: 'disclosure' },
      },
      schema: {
        tags,
        summary: 'Record a disclosure (HIPAA 164.528 accounting)',
        params: patientParams,
        body: disclosureRequestSchema,
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      const id = await audit.recordDisclosure(
        request.params.clinicId,
        request.params.patientId,
        requireActor(request).userId,
        request.body,
      );
      return reply.code(201).send({ id });
    },
  );

  app.get(
    '/api/clinics/:clinicId/audit-events',
    {
      config: { access: admins, audit: { action: 'search', resource: 'audit-event' } },
      schema: {
        tags,
        summary: 'Search the clinic’s audit trail',
        params: clinicParams,
        querystring: auditSearchQuerySchema,
        response: { 200: auditSearchResultSchema },
      },
    },
    async (request) => {
      const result = await audit.search(request.params.clinicId, request.query);
      auditResults(request, distinct(result.events.map((e) => e.patientId)));
      return result;
    },
  );

  app.get(
    '/api/clinics/:clinicId/audit-events/export',
    {
      config: { access: admins, audit: { action: 'export', resource: 'audit-event' } },
      schema: {
        tags,
        summary: 'Export the matching audit events as CSV or FHIR R4 AuditEvent NDJSON',
        params: clinicParams,
        querystring: auditExportQuerySchema,
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const events = await audit.exportRows(request.params.clinicId, filters);
      auditResults(request, distinct(events.map((e) => e.patientId)));
      await app.commitReadAudit(request);
      const stamp = new Date().toISOString().slice(0, 10);
      const [type, extension, body] =
        format === 'csv'
          ? ['text/csv; charset=utf-8', 'csv', toCsv(events)]
          : ['application/fhir+ndjson', 'ndjson', toFhirNdjson(events)];
      return reply
        .type(type)
        .header('content-disposition', `attachment; filename="audit-${stamp}.${extension}"`)
        .send(body);
    },
  );
};
