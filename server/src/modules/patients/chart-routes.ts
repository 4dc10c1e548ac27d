import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  chartHistorySchema,
  healthHistorySchema,
  healthItemCreateSchema,
  healthItemSchema,
  healthItemUpdateSchema,
  insuranceFieldsSchema,
  insuranceListSchema,
  insurancePolicySchema,
  insuranceUpdateSchema,
  patientProfileSchema,
  patientProfileUpdateSchema,
  problemSchema,
} from '@openvisit/contracts';
import { requireActor, type AccessRule } from '../../platform/access.js';
import { createdIdOf } from '../audit/audit-hooks.js';
import type { HealthHistoryService } from './health-history-service.js';
import type { InsuranceService } from './insurance-service.js';
import type { ProfileService } from './profile-service.js';

const tags = ['patient chart'];
const patientParams = z.object({ clinicId: z.uuid(), patientId: z.uuid() });
const itemParams = patientParams.extend({ itemId: z.uuid() });
const policyParams = patientParams.extend({ policyId: z.uuid() });
const problems = { 400: problemSchema, 404: problemSchema, 409: problemSchema };

/** Who the patient is and how they pay: the clinic's staff need it to run the clinic. */
const administrative: AccessRule = { rule: 'patient-record', content: 'administrative' };
/** Their health: the patient and the providers caring for them only. */
const clinical: AccessRule = { rule: 'patient-record', content: 'clinical' };

export interface ChartRouteDeps {
  profiles: ProfileService;
  health: HealthHistoryService;
  insurance: InsuranceService;
}

export const chartRoutes: FastifyPluginAsyncZod<ChartRouteDeps> = async (
  app,
  { profiles, health, insurance },
) => {
  const base = '/api/clinics/:clinicId/patients/:patientId';

  app.get(
    `${base}/profile`,
    {
      config: { access: administrative, audit: { action: 'read', resource: 'patient-profile' } },
      schema: {
        tags,
        summary: "The patient's demographics and contact details (null until first saved)",
        params: patientParams,
        response: { 200: patientProfileSchema },
      },
    },
    async (request) => ({
      profile: await profiles.get(request.params.clinicId, request.params.patientId),
    }),
  );

  app.put(
    `${base}/profile`,
    {
      config: { access: administrative, audit: { action: 'update', resource: 'patient-profile' } },
      schema: {
        tags,
        summary: 'Save a new version of the profile (based on `expectedVersion`)',
        params: patientParams,
        body: patientProfileUpdateSchema,
        response: { 200: patientProfileSchema, ...problems },
      },
    },
    async (request) => {
      const { clinicId, patientId } = request.params;
      const actorId = requireActor(request).userId;
      return { profile: await profiles.update(clinicId, patientId, actorId, request.body) };
    },
  );

  app.get(
    `${base}/profile/history`,
    {
      config: {
        access: administrative,
        audit: { action: 'read', resource: 'patient-profile-history' },
      },
      schema: {
        tags,
        summary: 'Every version of the profile, newest first, with what changed',
        params: patientParams,
        response: { 200: chartHistorySchema },
      },
    },
    async (request) => ({
      versions: await profiles.history(request.params.clinicId, request.params.patientId),
    }),
  );

  app.get(
    `${base}/health-items`,
    {
      config: { access: clinical, audit: { action: 'read', resource: 'health-history' } },
      schema: {
        tags,
        summary: 'Allergies, medications and conditions (newest version of each)',
        params: patientParams,
        querystring: z.object({ includeErrors: z.stringbool().default(false) }),
        response: { 200: healthHistorySchema },
      },
    },
    async (request) => ({
      items: await health.list(
        request.params.clinicId,
        request.params.patientId,
        request.query.includeErrors,
      ),
    }),
  );

  app.post(
    `${base}/health-items`,
    {
      config: { access: clinical, audit: { action: 'create', resource: 'health-item' } },
      schema: {
        tags,
        summary: 'Record an allergy, medication or condition',
        params: patientParams,
        body: healthItemCreateSchema,
        response: { 201: healthItemSchema, ...problems },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId } = request.params;
      const item = await health.create(
        clinicId,
        patientId,
        requireActor(request).userId,
        request.body,
        createdIdOf(request),
      );
      return reply.code(201).send(item);
    },
  );

  app.put(
    `${base}/health-items/:itemId`,
    {
      config: {
        access: clinical,
        audit: { action: 'update', resource: 'health-item', resourceParam: 'itemId' },
      },
      schema: {
        tags,
        summary:
          'Save a new version of an entry (mark it inactive or entered in error to remove it)',
        params: itemParams,
        body: healthItemUpdateSchema,
        response: { 200: healthItemSchema, ...problems },
      },
    },
    async (request) => {
      const { clinicId, patientId, itemId } = request.params;
      return health.update(clinicId, patientId, itemId, requireActor(request).userId, request.body);
    },
  );

  app.get(
    `${base}/health-items/:itemId/history`,
    {
      config: {
        access: clinical,
        audit: { action: 'read', resource: 'health-item-history', resourceParam: 'itemId' },
      },
      schema: {
        tags,
        summary: 'Every version of one entry, newest first',
        params: itemParams,
        response: { 200: chartHistorySchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { clinicId, patientId, itemId } = request.params;
      return { versions: await health.history(clinicId, patientId, itemId) };
    },
  );

  app.get(
    `${base}/insurance`,
    {
      config: { access: administrative, audit: { action: 'read', resource: 'insurance' } },
      schema: {
        tags,
        summary: "The patient's insurance policies (member ids decrypted for the viewer)",
        params: patientParams,
        response: { 200: insuranceListSchema },
      },
    },
    async (request) => ({
      policies: await insurance.list(request.params.clinicId, request.params.patientId),
    }),
  );

  app.post(
    `${base}/insurance`,
    {
      config: { access: administrative, audit: { action: 'create', resource: 'insurance' } },
      schema: {
        tags,
        summary: 'Add an insurance policy',
        params: patientParams,
        body: insuranceFieldsSchema,
        response: { 201: insurancePolicySchema, ...problems },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId } = request.params;
      const actorId = requireActor(request).userId;
      const policy = await insurance.create(
        clinicId,
        patientId,
        actorId,
        request.body,
        createdIdOf(request),
      );
      return reply.code(201).send(policy);
    },
  );

  app.put(
    `${base}/insurance/:policyId`,
    {
      config: {
        access: administrative,
        audit: { action: 'update', resource: 'insurance', resourceParam: 'policyId' },
      },
      schema: {
        tags,
        summary: 'Save a new version of a policy (inactive when it no longer applies)',
        params: policyParams,
        body: insuranceUpdateSchema,
        response: { 200: insurancePolicySchema, ...problems },
      },
    },
    async (request) => {
      const { clinicId, patientId, policyId } = request.params;
      const actorId = requireActor(request).userId;
      return insurance.update(clinicId, patientId, policyId, actorId, request.body);
    },
  );

  app.get(
    `${base}/insurance/:policyId/history`,
    {
      config: {
        access: administrative,
        audit: { action: 'read', resource: 'insurance-history', resourceParam: 'policyId' },
      },
      schema: {
        tags,
        summary: 'Every version of one policy, newest first',
        params: policyParams,
        response: { 200: chartHistorySchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { clinicId, patientId, policyId } = request.params;
      return { versions: await insurance.history(clinicId, patientId, policyId) };
    },
  );
};
