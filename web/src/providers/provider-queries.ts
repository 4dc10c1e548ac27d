import { queryOptions } from '@tanstack/react-query';
import { providerProfileListSchema } from '@openvisit/contracts';
import { apiGet } from '../api/client';

export const providerProfilesPath = (clinicId: string) =>
  `/api/clinics/${encodeURIComponent(clinicId)}/provider-profiles`;

export const providerProfilePath = (clinicId: string, providerId: string) =>
  `${providerProfilesPath(clinicId)}/${encodeURIComponent(providerId)}`;

export const providerProfilesQuery = (clinicId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'provider-profiles'],
    queryFn: ({ signal }) =>
      apiGet(providerProfilesPath(clinicId), providerProfileListSchema, { signal }),
    staleTime: 0,
  });

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A calendar date (YYYY-MM-DD) in the viewer's locale; a date has no zone to convert. */
export const formatCalendarDate = (date: string) =>
  dateFormat.format(new Date(`${date}T00:00:00Z`));
