import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  clinicSettingsSchema,
  clinicSettingsUpdateSchema,
  clinicSlugSchema,
  problemSchema,
  publicClinicSchema,
} from '@openvisit/contracts';
import type { AccessRule } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import type { RouteAudit } from '../audit/audit-hooks.js';
import type { ClinicService } from './service.js';

const clinicParams = z.object({ clinicId: z.uuid() });
// The front desk reads the zone (the clinic's day is shown in it); only admins change it.
const settingsReaders: AccessRule = { rule: 'clinic-role', roles: ['staff', 'admin'] };
const admins: AccessRule = { rule: 'clinic-role', roles: ['admin'] };
// No patient data, but a change to how the clinic reads its day deserves a trail.
const settingsChange: RouteAudit = {
  action: 'update',
  resource: 'clinic-settings',
  resourceParam: 'clinicId',
};

export const clinicRoutes: FastifyPluginAsyncZod<{ clinics: ClinicService }> = async (
  app,
  { clinics },
) => {
  app.get(
    '/api/clinics/:slug',
    {
      // A clinic's name and zone are what its public booking page shows to anyone.
      config: { access: { rule: 'public' } },
      schema: {
        tags: ['clinics'],
        summary: "A clinic's public profile",
        params: z.object({ slug: clinicSlugSchema }),
        response: { 200: publicClinicSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const clinic = await clinics.findPublicBySlug(request.params.slug);
      if (!clinic) throw new AppError('not-found', 'No clinic has this address.');
      return clinic;
    },
  );

  app.get(
    '/api/clinics/:clinicId/settings',
    {
      config: { access: settingsReaders },
      schema: {
        tags: ['clinics'],
        summary: "The clinic's settings: its name and time zone",
        params: clinicParams,
        response: { 200: clinicSettingsSchema, 404: problemSchema },
      },
    },
    async (request) => clinics.settings(request.params.clinicId),
  );

  app.put(
    '/api/clinics/:clinicId/settings',
    {
      config: { access: admins, audit: settingsChange },
      schema: {
        tags: ['clinics'],
        summary: "Change the clinic's time zone (an IANA zone such as America/Chicago)",
        params: clinicParams,
        body: clinicSettingsUpdateSchema,
        response: { 200: clinicSettingsSchema, 400: problemSchema, 404: problemSchema },
      },
    },
    async (request) => clinics.updateSettings(request.params.clinicId, request.body),
  );
};
