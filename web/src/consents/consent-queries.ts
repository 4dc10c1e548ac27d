import { queryOptions } from '@tanstack/react-query';
import { consentDocumentListSchema, consentStatusSchema } from '@openvisit/contracts';
import { apiGet } from '../api/client';
import { patientPath } from '../care/care-queries';

export const consentDocumentsPath = (clinicId: string) =>
  `/api/clinics/${encodeURIComponent(clinicId)}/consent-documents`;

export const patientConsentsPath = (clinicId: string, patientId: string) =>
  `${patientPath(clinicId, patientId)}/consents`;

export const consentDocumentsQuery = (clinicId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'consent-documents'],
    queryFn: ({ signal }) =>
      apiGet(consentDocumentsPath(clinicId), consentDocumentListSchema, { signal }),
    staleTime: 0,
  });

export const consentStatusQuery = (clinicId: string, patientId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'patients', patientId, 'consents'],
    queryFn: ({ signal }) =>
      apiGet(patientConsentsPath(clinicId, patientId), consentStatusSchema, { signal }),
    staleTime: 0,
  });
