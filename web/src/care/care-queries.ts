import { queryOptions } from '@tanstack/react-query';
import {
  breakGlassListSchema,
  patientListSchema,
  patientSummarySchema,
  providerDirectorySchema,
} from '@openvisit/contracts';
import { apiGet } from '../api/client';

const clinicPath = (clinicId: string) => `/api/clinics/${encodeURIComponent(clinicId)}`;
export const patientPath = (clinicId: string, patientId: string) =>
  `${clinicPath(clinicId)}/patients/${encodeURIComponent(patientId)}`;

export const patientsQuery = (clinicId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'patients'],
    queryFn: ({ signal }) =>
      apiGet(`${clinicPath(clinicId)}/patients`, patientListSchema, { signal }),
    staleTime: 0,
  });

export const patientQuery = (clinicId: string, patientId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'patients', patientId],
    queryFn: ({ signal }) =>
      apiGet(patientPath(clinicId, patientId), patientSummarySchema, { signal }),
    staleTime: 0,
    // A refusal (no care relationship) is an answer: show it rather than retrying.
    retry: false,
  });

export const providersQuery = (clinicId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'providers'],
    queryFn: ({ signal }) =>
      apiGet(`${clinicPath(clinicId)}/providers`, providerDirectorySchema, { signal }),
  });

export const breakGlassQuery = (clinicId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'break-glass'],
    queryFn: ({ signal }) =>
      apiGet(`${clinicPath(clinicId)}/break-glass`, breakGlassListSchema, { signal }),
    staleTime: 0,
  });

export const findPatientByEmail = (clinicId: string, email: string) =>
  apiGet(`${clinicPath(clinicId)}/patients?email=${encodeURIComponent(email)}`, patientListSchema);

export const breakGlassPath = (clinicId: string) => `${clinicPath(clinicId)}/break-glass`;
