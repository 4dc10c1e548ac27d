import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  availabilityExceptionCreateSchema,
  availabilityExceptionListQuerySchema,
  availabilityExceptionListSchema,
  availabilityExceptionSchema,
  problemSchema,
  providerScheduleSchema,
  providerScheduleUpdateSchema,
} from '@openvisit/contracts';
import { requireActor } from '../../platform/access.js';
import type { RouteAudit } from '../audit/audit-hooks.js';
import { members, ownCalendarOrScheduler, schedulers } from './availability-access.js';
import type { ScheduleSettingsService } from './schedule-settings-service.js';

const tags = ['scheduling'];
const providerParams = z.object({ clinicId: z.uuid(), providerId: z.uuid() });
const exceptionParams = providerParams.extend({ exceptionId: z.uuid() });

// Every change to a provider's hours is an update of their schedule, by whom and when.
const scheduleChange: RouteAudit = {
  action: 'update',
  resource: 'provider-schedule',
  resourceParam: 'providerId',
};

export const scheduleSettingsRoutes: FastifyPluginAsyncZod<{
  schedules: ScheduleSettingsService;
}> = async (app, { schedules }) => {
  const base = '/api/clinics/:clinicId/providers/:providerId/schedule';

  app.get(
    base,
    {
      config: { access: members },
      schema: {
        tags,
        summary: "A provider's zone, notice, horizon and weekly hours",
        params: providerParams,
        response: { 200: providerScheduleSchema, 404: problemSchema },
      },
    },
    async (request) => schedules.get(request.params.clinicId, request.params.providerId),
  );

  app.put(
    base,
    {
      config: { access: schedulers, audit: scheduleChange },
      onRequest: ownCalendarOrScheduler,
      schema: {
        tags,
        summary: "Save a provider's settings and replace their weekly hours as a whole",
        params: providerParams,
        body: providerScheduleUpdateSchema,
        response: { 200: providerScheduleSchema, 404: problemSchema },
      },
    },
    async (request) =>
      schedules.replace(request.params.clinicId, request.params.providerId, request.body),
  );

  // Exceptions carry the provider's own notes ("dentist"): those who manage the calendar
  // read them; patients see the effect in the slot search.
  app.get(
    `${base}/exceptions`,
    {
      config: { access: schedulers },
      onRequest: ownCalendarOrScheduler,
      schema: {
        tags,
        summary: 'Time off and extra hours overlapping [from, to) (default: not yet over)',
        params: providerParams,
        querystring: availabilityExceptionListQuerySchema,
        response: { 200: availabilityExceptionListSchema, 404: problemSchema },
      },
    },
    async (request) => ({
      exceptions: await schedules.exceptions(
        request.params.clinicId,
        request.params.providerId,
        request.query,
      ),
    }),
  );

  app.post(
    `${base}/exceptions`,
    {
      config: { access: schedulers, audit: scheduleChange },
      onRequest: ownCalendarOrScheduler,
      schema: {
        tags,
        summary: 'Add time off or extra hours',
        params: providerParams,
        body: availabilityExceptionCreateSchema,
        response: { 201: availabilityExceptionSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { clinicId, providerId } = request.params;
      const by = requireActor(request).userId;
      const created = await schedules.addException(clinicId, providerId, request.body, by);
      return reply.code(201).send(created);
    },
  );

  app.delete(
    `${base}/exceptions/:exceptionId`,
    {
      config: { access: schedulers, audit: scheduleChange },
      onRequest: ownCalendarOrScheduler,
      schema: {
        tags,
        summary: 'Remove an exception (kept as removed; removing it again answers the same)',
        params: exceptionParams,
        response: { 204: z.null(), 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { clinicId, providerId, exceptionId } = request.params;
      const by = requireActor(request).userId;
      await schedules.removeException(clinicId, providerId, exceptionId, by);
      return reply.code(204).send(null);
    },
  );
};
