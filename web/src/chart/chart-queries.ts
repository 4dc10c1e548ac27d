import { queryOptions } from '@tanstack/react-query';
import {
  chartHistorySchema,
  correctionListSchema,
  healthHistorySchema,
  insuranceListSchema,
  patientProfileSchema,
} from '@openvisit/contracts';
import { apiGet } from '../api/client';
import { patientPath } from '../care/care-queries';

const chartKey = (clinicId: string, patientId: string, part: string) => [
  'clinics',
  clinicId,
  'patients',
  patientId,
  part,
];

export const profileQuery = (clinicId: string, patientId: string) =>
  queryOptions({
    queryKey: chartKey(clinicId, patientId, 'profile'),
    queryFn: ({ signal }) =>
      apiGet(`${patientPath(clinicId, patientId)}/profile`, patientProfileSchema, { signal }),
    staleTime: 0,
    retry: false,
  });

export const healthQuery = (clinicId: string, patientId: string) =>
  queryOptions({
    queryKey: chartKey(clinicId, patientId, 'health-items'),
    queryFn: ({ signal }) =>
      apiGet(`${patientPath(clinicId, patientId)}/health-items`, healthHistorySchema, { signal }),
    staleTime: 0,
    retry: false,
  });

export const insuranceQuery = (clinicId: string, patientId: string) =>
  queryOptions({
    queryKey: chartKey(clinicId, patientId, 'insurance'),
    queryFn: ({ signal }) =>
      apiGet(`${patientPath(clinicId, patientId)}/insurance`, insuranceListSchema, { signal }),
    staleTime: 0,
    retry: false,
  });

export const correctionsQuery = (clinicId: string, patientId: string) =>
  queryOptions({
    queryKey: chartKey(clinicId, patientId, 'corrections'),
    queryFn: ({ signal }) =>
      apiGet(`${patientPath(clinicId, patientId)}/corrections`, correctionListSchema, { signal }),
    staleTime: 0,
  });

export const correctionQueueQuery = (clinicId: string, status: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'corrections', status],
    queryFn: ({ signal }) =>
      apiGet(
        `/api/clinics/${encodeURIComponent(clinicId)}/corrections?status=${encodeURIComponent(status)}`,
        correctionListSchema,
        { signal },
      ),
    staleTime: 0,
  });

/** The versions of one chart entity (`path` is relative to the patient: `/profile`, ...). */
export const historyQuery = (clinicId: string, patientId: string, path: string) =>
  queryOptions({
    queryKey: chartKey(clinicId, patientId, `history:${path}`),
    queryFn: ({ signal }) =>
      apiGet(`${patientPath(clinicId, patientId)}${path}/history`, chartHistorySchema, { signal }),
    staleTime: 0,
  });
