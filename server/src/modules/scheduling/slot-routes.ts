import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema, slotSearchQuerySchema, slotSearchResultSchema } from '@openvisit/contracts';
import { members, viewerAt } from './availability-access.js';
import type { AvailabilityService } from './availability-service.js';

const tags = ['scheduling'];

export const slotRoutes: FastifyPluginAsyncZod<{ slots: AvailabilityService }> = async (
  app,
  { slots },
) => {
  // Not audited: the answer holds providers' free times, no patient data.
  app.get(
    '/api/clinics/:clinicId/slots',
    {
      config: { access: members },
      schema: {
        tags,
        summary: 'Bookable start times across providers (at most 31 days at a time)',
        params: z.object({ clinicId: z.uuid() }),
        querystring: slotSearchQuerySchema,
        response: { 200: slotSearchResultSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { clinicId } = request.params;
      return slots.searchSlots(clinicId, viewerAt(request, clinicId), request.query);
    },
  );
};
