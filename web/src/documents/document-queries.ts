import { queryOptions } from '@tanstack/react-query';
import { documentListSchema } from '@openvisit/contracts';
import { apiGet } from '../api/client';
import { patientPath } from '../care/care-queries';

export const documentsPath = (clinicId: string, patientId: string) =>
  `${patientPath(clinicId, patientId)}/documents`;

/** Where a document downloads from: a plain link works (same-origin cookie; S3 redirects). */
export const documentContentUrl = (clinicId: string, patientId: string, documentId: string) =>
  `${documentsPath(clinicId, patientId)}/${encodeURIComponent(documentId)}/content`;

export const documentsQuery = (clinicId: string, patientId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'patients', patientId, 'documents'],
    queryFn: ({ signal }) =>
      apiGet(documentsPath(clinicId, patientId), documentListSchema, { signal }),
    staleTime: 0,
  });
