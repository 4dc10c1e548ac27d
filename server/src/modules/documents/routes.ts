import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  documentCategorySchema,
  documentListSchema,
  documentRetractSchema,
  documentSchema,
  problemSchema,
  providerPhotoSchema,
} from '@openvisit/contracts';
import { requireActor, type AccessRule } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { attachmentDisposition } from '../../platform/storage/object-storage.js';
import { createdIdOf } from '../audit/audit-hooks.js';
import type { DocumentActor, DocumentService } from './document-service.js';
import { discard, receiveFile } from './receive-file.js';
import { UPLOADS_AT_ONCE_PER_PERSON, uploadSlots } from './upload-slots.js';

const tags = ['documents'];
const patientParams = z.object({ clinicId: z.uuid(), patientId: z.uuid() });
const documentParams = patientParams.extend({ documentId: z.uuid() });
const providerParams = z.object({ clinicId: z.uuid(), providerId: z.uuid() });
/** A streamed file: Fastify sends streams as they are, never through the serializer. */
const fileBytes = z.any().describe('The file itself');

/**
 * Staff and admins pass this rule, and the service then checks each document's category
 * against the basis (document-access.ts): the front desk reaches insurance cards and
 * identification, never clinical documents, unless they also care for the patient.
 */
const chartDocuments: AccessRule = { rule: 'patient-record', content: 'administrative' };
const clinicMembers: AccessRule = {
  rule: 'clinic-role',
  roles: ['patient', 'provider', 'staff', 'admin'],
};
const photoEditors: AccessRule = { rule: 'clinic-role', roles: ['provider', 'admin'] };

/** The actor and the basis the access policy found for this patient's record. */
function actorOf(request: FastifyRequest): DocumentActor {
  const actor = requireActor(request);
  if (!request.recordAccess) throw new AppError('forbidden');
  return { userId: actor.userId, basis: request.recordAccess.basis };
}

export const documentRoutes: FastifyPluginAsyncZod<{ documents: DocumentService }> = async (
  app,
  { documents },
) => {
  // Scoped to these routes: elsewhere a multipart body stays an unsupported media type.
  await app.register(multipart, { limits: { files: 1 } });
  const takeUploadSlot = uploadSlots(UPLOADS_AT_ONCE_PER_PERSON);

  app.post(
    '/api/clinics/:clinicId/patients/:patientId/documents',
    {
      config: { access: chartDocuments, audit: { action: 'create', resource: 'document' } },
      // Before the audit event and the body: a refused upload changes nothing.
      preValidation: takeUploadSlot,
      schema: {
        tags,
        summary: "Add a file to the patient's chart",
        description:
          'multipart/form-data: a `category` field, then one `file` (PDF, JPEG, PNG or HEIC, detected from the content). 413 past the size limit, 415 for any other type; nothing is stored then.',
        params: patientParams,
        response: {
          201: documentSchema,
          400: problemSchema,
          403: problemSchema,
          413: problemSchema,
          415: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId } = request.params;
      const actor = actorOf(request);
      const file = await receiveFile(request, documents.maxBytes);
      const category = documentCategorySchema.safeParse(file.fields.category);
      if (!category.success) {
        await discard(file);
        throw new AppError('validation', 'One or more fields are not valid.', [
          {
            path: 'body.category',
            message: 'Choose what kind of document this is (send the category before the file).',
          },
        ]);
      }
      const created = await documents.upload({
        documentId: createdIdOf(request),
        clinicId,
        patientId,
        actor,
        category: category.data,
        file,
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/clinics/:clinicId/patients/:patientId/documents',
    {
      config: { access: chartDocuments, audit: { action: 'read', resource: 'document' } },
      schema: {
        tags,
        summary: "The chart's documents the viewer may see, newest first",
        params: patientParams,
        response: { 200: documentListSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { clinicId, patientId } = request.params;
      return documents.list(clinicId, patientId, actorOf(request).basis);
    },
  );

  app.get(
    '/api/clinics/:clinicId/patients/:patientId/documents/:documentId/content',
    {
      // Already compressed formats; and a stream's length must stay what the header says.
      compress: false,
      config: {
        access: chartDocuments,
        audit: { action: 'read', resource: 'document', resourceParam: 'documentId' },
      },
      schema: {
        tags,
        summary: "A document's bytes, as a download",
        description:
          'Local storage: the decrypted bytes, `Content-Disposition: attachment`. S3: 303 See Other to a signed link valid for 60 seconds.',
        params: documentParams,
        response: { 200: fileBytes, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId, documentId } = request.params;
      const row = await documents.find(clinicId, patientId, documentId, actorOf(request).basis);
      // The read is on the trail before a single byte (or the link) leaves.
      await app.commitReadAudit(request);
      const delivery = await documents.deliver(row);
      if ('link' in delivery) return reply.redirect(delivery.link.url, 303);
      return reply
        .header('content-type', row.mediaType)
        .header('content-length', delivery.sizeBytes)
        .header('content-disposition', attachmentDisposition(delivery.fileName))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(delivery.stream);
    },
  );

  app.post(
    '/api/clinics/:clinicId/patients/:patientId/documents/:documentId/retract',
    {
      config: {
        access: chartDocuments,
        audit: { action: 'update', resource: 'document', resourceParam: 'documentId' },
      },
      schema: {
        tags,
        summary: 'Withdraw a document (it stays in the record, marked)',
        params: documentParams,
        body: documentRetractSchema,
        response: { 200: documentSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { clinicId, patientId, documentId } = request.params;
      return documents.retract(
        clinicId,
        patientId,
        documentId,
        actorOf(request),
        request.body.reason,
      );
    },
  );

  app.post(
    '/api/clinics/:clinicId/providers/:providerId/photo',
    {
      config: { access: photoEditors },
      preValidation: takeUploadSlot,
      schema: {
        tags,
        summary: "Set a provider's photo (the provider, or an admin)",
        description: 'multipart/form-data with one `file`: JPEG or PNG, at most 5 MB.',
        params: providerParams,
        response: {
          201: providerPhotoSchema,
          403: problemSchema,
          404: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { clinicId, providerId } = request.params;
      const actor = requireActor(request);
      const isAdmin = actor.memberships.some(
        (m) => m.organizationId === clinicId && m.role === 'admin',
      );
      if (!isAdmin && actor.userId !== providerId) {
        throw new AppError(
          'forbidden',
          "Only the provider or an admin may change a provider's photo.",
        );
      }
      const file = await receiveFile(request, documents.maxBytes);
      const photo = await documents.uploadProviderPhoto({
        clinicId,
        providerId,
        uploadedBy: actor.userId,
        file,
      });
      return reply.code(201).send(photo);
    },
  );

  app.get(
    '/api/clinics/:clinicId/providers/:providerId/photo',
    {
      compress: false,
      config: { access: clinicMembers },
      schema: {
        tags,
        summary: "A provider's photo (anyone at the clinic)",
        params: providerParams,
        response: { 200: fileBytes, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { clinicId, providerId } = request.params;
      const photo = await documents.openProviderPhoto(clinicId, providerId);
      return (
        reply
          .header('content-type', photo.mediaType)
          .header('content-length', photo.sizeBytes)
          .header('content-disposition', 'inline')
          // Not patient data: a short private cache saves refetching it on every page.
          .header('cache-control', 'private, max-age=300')
          .send(photo.stream)
      );
    },
  );
};
