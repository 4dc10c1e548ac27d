import { queryOptions } from '@tanstack/react-query';
import { availabilityExceptionListSchema, providerScheduleSchema } from '@openvisit/contracts';
import { apiGet } from '../api/client';

export const schedulePath = (clinicId: string, providerId: string) =>
  `/api/clinics/${encodeURIComponent(clinicId)}/providers/${encodeURIComponent(providerId)}/schedule`;

export const providerScheduleQuery = (clinicId: string, providerId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'providers', providerId, 'schedule'],
    queryFn: ({ signal }) =>
      apiGet(schedulePath(clinicId, providerId), providerScheduleSchema, { signal }),
    staleTime: 0,
  });

/** Time off and extra hours not yet over (the server's default window). */
export const scheduleExceptionsQuery = (clinicId: string, providerId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'providers', providerId, 'schedule', 'exceptions'],
    queryFn: ({ signal }) =>
      apiGet(`${schedulePath(clinicId, providerId)}/exceptions`, availabilityExceptionListSchema, {
        signal,
      }),
    staleTime: 0,
  });
