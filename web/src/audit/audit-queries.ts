import { queryOptions } from '@tanstack/react-query';
import { disclosureListSchema } from '@openvisit/contracts';
import { apiGet } from '../api/client';
import { patientPath } from '../care/care-queries';

export const disclosuresQuery = (clinicId: string, patientId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'patients', patientId, 'disclosures'],
    queryFn: ({ signal }) =>
      apiGet(`${patientPath(clinicId, patientId)}/disclosures`, disclosureListSchema, { signal }),
    staleTime: 0,
  });
