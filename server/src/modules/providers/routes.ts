import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  eligibilityQuerySchema,
  eligibilitySchema,
  licenseCreateSchema,
  licenseCreatedSchema,
  problemSchema,
  providerProfileListQuerySchema,
  providerProfileListSchema,
  providerProfileSchema,
  providerProfileUpdateSchema,
} from '@openvisit/contracts';
import { requireActor, type AccessRule } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { RouteAudit } from '../audit/audit-hooks.js';
import type { LicensingService } from './licensing.js';
import type { ProviderService } from './provider-service.js';

const tags = ['providers'];
const clinicParams = z.object({ clinicId: z.uuid() });
const providerParams = clinicParams.extend({ providerId: z.uuid() });
const licenseParams = providerParams.extend({ licenseId: z.uuid() });

// The directory is public-facing: every member of the clinic, patients included.
const members: AccessRule = {
  rule: 'clinic-role',
  roles: ['patient', 'provider', 'staff', 'admin'],
};
const admins: AccessRule = { rule: 'clinic-role', roles: ['admin'] };
const adminsAndProviders: AccessRule = { rule: 'clinic-role', roles: ['provider', 'admin'] };

// Not patient records, but administrative changes worth a trail: licenses decide whom a
// provider may see, so adding and revoking one is a permission change.
const profileChange: RouteAudit = {
  action: 'update',
  resource: 'provider-profile',
  resourceParam: 'providerId',
};
const licenseAdded: RouteAudit = {
  action: 'permission_change',
  resource: 'provider-license',
  resourceParam: 'providerId',
};
const licenseRevoked: RouteAudit = {
  action: 'permission_change',
  resource: 'provider-license',
  resourceParam: 'licenseId',
};

function viewerAt(request: FastifyRequest, clinicId: string) {
  const actor = requireActor(request);
  const roles = actor.memberships.filter((m) => m.organizationId === clinicId).map((m) => m.role);
  return { userId: actor.userId, roles };
}

/**
 * A provider edits their own profile; an admin edits anyone's. Runs after the access hook
 * and before the audit hook, so a refusal is recorded as denied and nothing else.
 */
async function selfOrAdmin(request: FastifyRequest) {
  const { clinicId, providerId } = request.params as { clinicId?: string; providerId?: string };
  const viewer = viewerAt(request, clinicId ?? '');
  if (!viewer.roles.includes('admin') && viewer.userId !== providerId) {
    throw new AppError('forbidden', 'Only an admin or the provider themself may change this.');
  }
}

export const providerRoutes: FastifyPluginAsyncZod<{
  providers: ProviderService;
  licensing: LicensingService;
  clock: Clock;
}> = async (app, { providers, licensing, clock }) => {
  app.get(
    '/api/clinics/:clinicId/provider-profiles',
    {
      config: { access: members },
      schema: {
        tags,
        summary: "The clinic's providers; with `state`, those licensed there now",
        params: clinicParams,
        querystring: providerProfileListQuerySchema,
        response: { 200: providerProfileListSchema },
      },
    },
    async (request) => {
      const { clinicId } = request.params;
      const viewer = viewerAt(request, clinicId);
      return { providers: await providers.list(clinicId, viewer, request.query) };
    },
  );

  app.get(
    '/api/clinics/:clinicId/provider-profiles/:providerId',
    {
      config: { access: members },
      schema: {
        tags,
        summary: "A provider's profile (license numbers for admins and the provider)",
        params: providerParams,
        response: { 200: providerProfileSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { clinicId, providerId } = request.params;
      return providers.get(clinicId, providerId, viewerAt(request, clinicId));
    },
  );

  app.put(
    '/api/clinics/:clinicId/provider-profiles/:providerId',
    {
      config: { access: adminsAndProviders, audit: profileChange },
      onRequest: selfOrAdmin,
      schema: {
        tags,
        summary: "Change a provider's profile (an admin, or the provider themself)",
        params: providerParams,
        body: providerProfileUpdateSchema,
        response: { 200: providerProfileSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request) => {
      const { clinicId, providerId } = request.params;
      const viewer = viewerAt(request, clinicId);
      if (!viewer.roles.includes('admin')) {
        // Credentials and the NPI are what the clinic verified when it credentialed the
        // provider: only an admin changes them; the provider edits the rest.
        const current = await providers.get(clinicId, providerId, viewer);
        const { npi = null, credentials = null } = request.body;
        if ((npi ?? null) !== current.npi || (credentials ?? null) !== current.credentials) {
          throw new AppError(
            'forbidden',
            'Your NPI and credentials were verified by the clinic: ask an admin to change them.',
          );
        }
      }
      await providers.update(clinicId, providerId, request.body, viewer.userId);
      return providers.get(clinicId, providerId, viewer);
    },
  );

  app.post(
    '/api/clinics/:clinicId/provider-profiles/:providerId/licenses',
    {
      config: { access: admins, audit: licenseAdded },
      schema: {
        tags,
        summary: 'Record a state license (replacing, and keeping, a live one for that state)',
        params: providerParams,
        body: licenseCreateSchema,
        response: { 201: licenseCreatedSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { clinicId, providerId } = request.params;
      const by = requireActor(request).userId;
      return reply
        .code(201)
        .send(await providers.addLicense(clinicId, providerId, request.body, by));
    },
  );

  app.post(
    '/api/clinics/:clinicId/provider-profiles/:providerId/licenses/:licenseId/revoke',
    {
      config: { access: admins, audit: licenseRevoked },
      schema: {
        tags,
        summary: 'Revoke a state license (the row is kept)',
        params: licenseParams,
        response: { 204: z.null(), 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { clinicId, providerId, licenseId } = request.params;
      await providers.revokeLicense(clinicId, providerId, licenseId, requireActor(request).userId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/clinics/:clinicId/provider-profiles/:providerId/eligibility',
    {
      config: { access: members },
      schema: {
        tags,
        summary: 'Whether the provider may see a patient located in `state` now',
        params: providerParams,
        querystring: eligibilityQuerySchema,
        response: { 200: eligibilitySchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { clinicId, providerId } = request.params;
      return licensing.eligibility(clinicId, providerId, request.query.state, clock.now());
    },
  );
};
