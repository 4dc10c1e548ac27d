import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clinicSlugSchema, problemSchema, publicClinicSchema } from '@openvisit/contracts';
import { AppError } from '../../platform/errors.js';
import type { ClinicService } from './service.js';

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
};
