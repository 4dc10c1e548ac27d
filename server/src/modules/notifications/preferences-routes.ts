import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  notificationPreferencesSchema,
  notificationPreferencesUpdateSchema,
  problemSchema,
  type NotificationPreferences,
} from '@openvisit/contracts';
import { requireActor } from '../../platform/access.js';
import type { NotificationChoice, NotificationPreferencesService } from './preferences-service.js';
import type { SmsOptOuts } from './sms-opt-outs.js';

export interface PreferencesRouteDeps {
  preferences: NotificationPreferencesService;
  optOuts: SmsOptOuts;
}

/** Anyone signed in, about their own account only (patients mainly). */
const ownAccount = { rule: 'authenticated' as const };
const path = '/api/me/notification-preferences';
const tags = ['notifications'];

export const preferencesRoutes: FastifyPluginAsyncZod<PreferencesRouteDeps> = async (
  app,
  { preferences, optOuts },
) => {
  const view = async (choice: NotificationChoice): Promise<NotificationPreferences> => ({
    ...choice,
    smsOptedOut: choice.smsNumber ? await optOuts.isOptedOut(choice.smsNumber) : false,
  });

  app.get(
    path,
    {
      config: { access: ownAccount },
      schema: {
        tags,
        summary: 'How you want to hear about your visits: email, text messages',
        response: { 200: notificationPreferencesSchema, 401: problemSchema },
      },
    },
    async (request) => view(await preferences.get(requireActor(request).userId)),
  );

  app.put(
    path,
    {
      config: {
        access: ownAccount,
        // A contact number is personal data: who changed it, and when, is on the trail.
        audit: { action: 'update', resource: 'notification-preferences' },
      },
      schema: {
        tags,
        summary: 'Choose email and text messages; texts need a number that has not replied STOP',
        body: notificationPreferencesUpdateSchema,
        response: {
          200: notificationPreferencesSchema,
          400: problemSchema,
          401: problemSchema,
          409: problemSchema,
        },
      },
    },
    async (request) => view(await preferences.update(requireActor(request).userId, request.body)),
  );
};
