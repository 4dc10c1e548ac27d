import { queryOptions } from '@tanstack/react-query';
import {
  intakeFormListSchema,
  intakeResponseListSchema,
  intakeResponseSchema,
  type IntakeAnswers,
} from '@openvisit/contracts';
import { apiGet, apiSend } from '../api/client';
import { patientPath } from '../care/care-queries';

export const intakeFormsQuery = (clinicId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'intake-forms'],
    queryFn: ({ signal }) =>
      apiGet(`/api/clinics/${encodeURIComponent(clinicId)}/intake-forms`, intakeFormListSchema, {
        signal,
      }),
  });

export const intakeResponsesQuery = (clinicId: string, patientId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'patients', patientId, 'intake-responses'],
    queryFn: ({ signal }) =>
      apiGet(`${patientPath(clinicId, patientId)}/intake-responses`, intakeResponseListSchema, {
        signal,
      }),
    staleTime: 0,
    // A refusal (clinical content, no care relationship) is an answer: show it.
    retry: false,
  });

export const submitIntakeResponse = (
  clinicId: string,
  patientId: string,
  body: { formId: string; appointmentId?: string | null; answers: IntakeAnswers },
  idempotencyKey: string,
) =>
  apiSend(
    'POST',
    `${patientPath(clinicId, patientId)}/intake-responses`,
    body,
    intakeResponseSchema,
    { idempotencyKey },
  );
