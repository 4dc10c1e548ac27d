import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  idempotencyKeySchema,
  intakeFormDefinitionSchema,
  intakeFormListSchema,
  intakeFormSchema,
  intakeResponseListSchema,
  intakeResponseSchema,
  intakeSlugSchema,
  intakeSubmissionSchema,
  problemSchema,
} from '@openvisit/contracts';
import { requireActor, type AccessRule } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { createdIdOf } from '../audit/audit-hooks.js';
import type { IntakeService } from './intake-service.js';
import { submissionIdFor } from './submission-id.js';

const tags = ['intake'];
const clinicParams = z.object({ clinicId: z.uuid() });
const formParams = clinicParams.extend({ slug: intakeSlugSchema });
const patientParams = z.object({ clinicId: z.uuid(), patientId: z.uuid() });

const members: AccessRule = {
  rule: 'clinic-role',
  roles: ['patient', 'provider', 'staff', 'admin'],
};
const admins: AccessRule = { rule: 'clinic-role', roles: ['admin'] };
// Answers are clinical: the patient and the providers caring for them read them; only the
// patient answers (staff filling a form for a patient is a later feature, if ever).
const readAnswers: AccessRule = { rule: 'patient-record', content: 'clinical' };
const giveAnswers: AccessRule = { rule: 'patient-record', content: 'clinical', roles: ['patient'] };

/** The optional `Idempotency-Key` header, checked here: a header schema would drop the others. */
function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) {
    throw new AppError('validation', 'One or more fields are not valid.', [
      { path: 'headers.idempotency-key', message: parsed.error.issues[0]!.message },
    ]);
  }
  return parsed.data;
}

export const intakeRoutes: FastifyPluginAsyncZod<{ intake: IntakeService }> = async (
  app,
  { intake },
) => {
  app.get(
    '/api/clinics/:clinicId/intake-forms',
    {
      config: { access: members },
      schema: {
        tags,
        summary: "The current version of each of the clinic's intake questionnaires",
        params: clinicParams,
        response: { 200: intakeFormListSchema },
      },
    },
    async (request) => ({ forms: await intake.currentForms(request.params.clinicId) }),
  );

  app.get(
    '/api/clinics/:clinicId/intake-forms/:slug',
    {
      config: { access: members },
      schema: {
        tags,
        summary: 'The current version of one intake questionnaire',
        params: formParams,
        response: { 200: intakeFormSchema, 404: problemSchema },
      },
    },
    async (request) => intake.currentForm(request.params.clinicId, request.params.slug),
  );

  app.post(
    '/api/clinics/:clinicId/intake-forms',
    {
      config: { access: admins, audit: { action: 'create', resource: 'intake-form' } },
      schema: {
        tags,
        summary: 'Publish a new version of an intake questionnaire (earlier versions stay)',
        params: clinicParams,
        body: intakeFormDefinitionSchema,
        response: { 201: intakeFormSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const form = await intake.publish(
        request.params.clinicId,
        request.body,
        requireActor(request).userId,
        createdIdOf(request),
      );
      return reply.code(201).send(form);
    },
  );

  app.post(
    '/api/clinics/:clinicId/patients/:patientId/intake-responses',
    {
      config: {
        access: giveAnswers,
        audit: {
          action: 'create',
          resource: 'intake-response',
          // A retried submission names the same response as the first.
          newId: (request) => {
            const { clinicId, patientId } = request.params as Record<string, string>;
            const key = idempotencyKey(request.headers['idempotency-key']);
            return key ? submissionIdFor(clinicId!, patientId!, key) : randomUUID();
          },
        },
      },
      // A malformed key is refused before the change is audited as attempted.
      preValidation: async (request) => void idempotencyKey(request.headers['idempotency-key']),
      schema: {
        tags,
        summary:
          "Submit the patient's answers to one questionnaire version (Idempotency-Key honoured)",
        params: patientParams,
        body: intakeSubmissionSchema,
        response: {
          201: intakeResponseSchema,
          404: problemSchema,
          409: problemSchema,
          422: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId } = request.params;
      const key = idempotencyKey(request.headers['idempotency-key']);
      const { response, replayed } = await intake.submit(clinicId, patientId, request.body, {
        submittedBy: requireActor(request).userId,
        idempotencyKey: key,
        id: createdIdOf(request),
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(response);
    },
  );

  app.get(
    '/api/clinics/:clinicId/patients/:patientId/intake-responses',
    {
      config: { access: readAnswers, audit: { action: 'read', resource: 'intake-response' } },
      schema: {
        tags,
        summary: "The patient's questionnaire answers, newest first, with the versions answered",
        params: patientParams,
        response: { 200: intakeResponseListSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => ({
      responses: await intake.responses(request.params.clinicId, request.params.patientId),
    }),
  );
};
