import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  consentDocumentListSchema,
  consentDocumentSchema,
  consentPublishSchema,
  consentSignatureSchema,
  consentSignRequestSchema,
  consentStatusSchema,
  problemSchema,
} from '@openvisit/contracts';
import { requireActor, type AccessRule } from '../../platform/access.js';
import { documentView, type ConsentService } from './consent-service.js';
import { createdIdOf } from '../audit/audit-hooks.js';
import { signatureIdFor } from './consent-service.js';

const tags = ['consents'];
const clinicParams = z.object({ clinicId: z.uuid() });
const patientParams = clinicParams.extend({ patientId: z.uuid() });

const members: AccessRule = {
  rule: 'clinic-role',
  roles: ['patient', 'provider', 'staff', 'admin'],
};
const admins: AccessRule = { rule: 'clinic-role', roles: ['admin'] };
// A signature is the patient's own act: nobody signs for them (not staff, not a provider).
const signer: AccessRule = {
  rule: 'patient-record',
  content: 'administrative',
  roles: ['patient'],
};
// Who stands where on consents is administrative: the patient, their providers, staff.
const statusReaders: AccessRule = { rule: 'patient-record', content: 'administrative' };

export const consentRoutes: FastifyPluginAsyncZod<{ consents: ConsentService }> = async (
  app,
  { consents },
) => {
  app.get(
    '/api/clinics/:clinicId/consent-documents',
    {
      config: { access: members },
      schema: {
        tags,
        summary: 'The current version of each consent document (every version for admins)',
        params: clinicParams,
        response: { 200: consentDocumentListSchema },
      },
    },
    async (request) => {
      const { clinicId } = request.params;
      const current = (await consents.currentDocuments(clinicId)).map(documentView);
      const admin = requireActor(request).memberships.some(
        (m) => m.organizationId === clinicId && m.role === 'admin',
      );
      if (!admin) return { current };
      const history = (await consents.history(clinicId)).map((row) => {
        const { body: _body, ...summary } = documentView(row);
        return summary;
      });
      return { current, history };
    },
  );

  app.post(
    '/api/clinics/:clinicId/consent-documents',
    {
      config: { access: admins, audit: { action: 'create', resource: 'consent-document' } },
      schema: {
        tags,
        summary: 'Publish the next version of a consent document (patients sign it again)',
        params: clinicParams,
        body: consentPublishSchema,
        response: { 201: consentDocumentSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { clinicId } = request.params;
      const by = requireActor(request).userId;
      const published = await consents.publish(clinicId, request.body, by, createdIdOf(request));
      return reply.code(201).send(published);
    },
  );

  app.post(
    '/api/clinics/:clinicId/patients/:patientId/consents',
    {
      config: {
        access: signer,
        audit: {
          action: 'create',
          resource: 'consent-signature',
          newId: (request) =>
            signatureIdFor(
              (request.params as { patientId: string }).patientId,
              (request.body as { consentDocumentId: string }).consentDocumentId,
            ),
        },
      },
      schema: {
        tags,
        summary: 'Sign the current version of a consent document (the patient only)',
        params: patientParams,
        body: consentSignRequestSchema,
        response: {
          200: consentSignatureSchema,
          201: consentSignatureSchema,
          404: problemSchema,
          409: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId } = request.params;
      const userAgent = request.headers['user-agent'];
      const { created, signature } = await consents.sign(clinicId, patientId, request.body, {
        ipAddress: request.ip,
        userAgent: typeof userAgent === 'string' ? userAgent : undefined,
      });
      return reply.code(created ? 201 : 200).send(signature);
    },
  );

  app.get(
    '/api/clinics/:clinicId/patients/:patientId/consents',
    {
      config: { access: statusReaders, audit: { action: 'read', resource: 'consent-status' } },
      schema: {
        tags,
        summary: "The patient's consents: what is signed, what needs signing",
        params: patientParams,
        response: { 200: consentStatusSchema, 404: problemSchema },
      },
    },
    async (request) => consents.status(request.params.clinicId, request.params.patientId),
  );
};
