import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AvailabilityModule } from './availability-module.js';
import { scheduleSettingsRoutes } from './schedule-settings-routes.js';
import { slotRoutes } from './slot-routes.js';
import { visitTypeRoutes } from './visit-type-routes.js';

/** The bookable side of scheduling: visit types, providers' hours, the slot search. */
export const availabilityRoutes: FastifyPluginAsyncZod<AvailabilityModule> = async (
  app,
  { visitTypes, schedules, slots },
) => {
  await app.register(visitTypeRoutes, { visitTypes });
  await app.register(scheduleSettingsRoutes, { schedules });
  await app.register(slotRoutes, { slots });
};
