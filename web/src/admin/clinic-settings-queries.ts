import { queryOptions } from '@tanstack/react-query';
import { clinicSettingsSchema } from '@openvisit/contracts';
import { apiGet } from '../api/client';

export const clinicSettingsPath = (clinicId: string) =>
  `/api/clinics/${encodeURIComponent(clinicId)}/settings`;

/** The clinic's name and time zone (its admins change them; the front desk reads them). */
export const clinicSettingsQuery = (clinicId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'settings'],
    queryFn: ({ signal }) => apiGet(clinicSettingsPath(clinicId), clinicSettingsSchema, { signal }),
  });
