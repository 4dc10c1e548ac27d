import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  problemSchema,
  visitNoteDraftSaveSchema,
  visitNoteSchema,
  visitNoteSignSchema,
  visitNoteVersionSchema,
  visitSummarySchema,
} from '@openvisit/contracts';
import { requireActor } from '../../platform/access.js';
import type { PatientRecordRule } from '../../platform/record-access.js';
import type { RouteAudit } from '../audit/audit-hooks.js';
import { VISIT } from '../visits/visit-access.js';
import type { VisitNoteService } from './visit-note-service.js';

/*
 * The note is clinical content: providers who care for the patient read it (the visit's
 * own provider writes it, the service checks); staff and admins never see it. The patient
 * reads the after-visit summary once a version is signed.
 */
const locate = { kind: VISIT, param: 'visitId' };
const clinicalNote: PatientRecordRule = {
  rule: 'patient-record',
  content: 'clinical',
  roles: ['provider'],
  locate,
};
const summaryReaders: PatientRecordRule = {
  rule: 'patient-record',
  content: 'clinical',
  roles: ['patient', 'provider'],
  locate,
};

const tags = ['visit notes'];
const visitParams = z.object({ clinicId: z.uuid(), visitId: z.uuid() });
const problems = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const noteChange: RouteAudit = {
  action: 'update',
  resource: 'visit-note',
  resourceParam: 'visitId',
};

export const visitNoteRoutes: FastifyPluginAsyncZod<{ notes: VisitNoteService }> = async (
  app,
  { notes },
) => {
  const base = '/api/clinics/:clinicId/visits/:visitId';

  app.get(
    `${base}/note`,
    {
      config: {
        access: clinicalNote,
        audit: { action: 'read', resource: 'visit-note', resourceParam: 'visitId' },
      },
      schema: {
        tags,
        summary: "The visit's note: every signed version and the draft, oldest first",
        params: visitParams,
        response: { 200: visitNoteSchema, ...problems },
      },
    },
    async (request) => notes.note(request.params.clinicId, request.params.visitId),
  );

  app.put(
    `${base}/note/draft`,
    {
      config: { access: clinicalNote, audit: noteChange },
      schema: {
        tags,
        summary: 'Autosave the draft (expectedRevision 0 starts it, or an amendment)',
        params: visitParams,
        body: visitNoteDraftSaveSchema,
        response: { 200: visitNoteVersionSchema, ...problems },
      },
    },
    async (request) =>
      notes.saveDraft(
        request.params.clinicId,
        request.params.visitId,
        requireActor(request).userId,
        request.body,
      ),
  );

  app.post(
    `${base}/note/sign`,
    {
      config: { access: clinicalNote, audit: noteChange },
      schema: {
        tags,
        summary: 'Sign the draft: it is locked, and the patient can read its summary',
        params: visitParams,
        body: visitNoteSignSchema,
        response: { 200: visitNoteVersionSchema, ...problems },
      },
    },
    async (request) =>
      notes.sign(
        request.params.clinicId,
        request.params.visitId,
        requireActor(request).userId,
        request.body.expectedRevision,
      ),
  );

  app.get(
    `${base}/summary`,
    {
      config: {
        access: summaryReaders,
        audit: { action: 'read', resource: 'visit-summary', resourceParam: 'visitId' },
      },
      schema: {
        tags,
        summary: 'The after-visit summary and follow-up instructions (once the note is signed)',
        params: visitParams,
        response: { 200: visitSummarySchema, ...problems },
      },
    },
    async (request) => notes.summary(request.params.clinicId, request.params.visitId),
  );
};
