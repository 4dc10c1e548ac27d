import { queryOptions } from '@tanstack/react-query';
import {
  notificationPreferencesSchema,
  type NotificationPreferencesUpdate,
} from '@openvisit/contracts';
import { apiGet, apiSend } from '../api/client';

export const notificationPreferencesPath = '/api/me/notification-preferences';

export const notificationPreferencesQuery = queryOptions({
  queryKey: ['me', 'notification-preferences'],
  queryFn: ({ signal }) =>
    apiGet(notificationPreferencesPath, notificationPreferencesSchema, { signal }),
  staleTime: 0,
});

export const saveNotificationPreferences = (body: NotificationPreferencesUpdate) =>
  apiSend('PUT', notificationPreferencesPath, body, notificationPreferencesSchema);
