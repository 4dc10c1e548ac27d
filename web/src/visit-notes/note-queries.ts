import { queryOptions } from '@tanstack/react-query';
import {
  visitNoteSchema,
  visitNoteVersionSchema,
  visitSummarySchema,
  type VisitNoteDraftSave,
  type VisitNoteVersion,
} from '@openvisit/contracts';
import { apiGet, apiSend } from '../api/client';

const notePath = (clinicId: string, visitId: string) =>
  `/api/clinics/${clinicId}/visits/${visitId}/note`;

export const noteKey = (clinicId: string, visitId: string) =>
  ['clinics', clinicId, 'visits', visitId, 'note'] as const;

export const noteQuery = (clinicId: string, visitId: string) =>
  queryOptions({
    queryKey: noteKey(clinicId, visitId),
    queryFn: ({ signal }) => apiGet(notePath(clinicId, visitId), visitNoteSchema, { signal }),
    // The editor owns the draft once loaded: a refetch must not replace what is being typed.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

export const summaryQuery = (clinicId: string, visitId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'visits', visitId, 'summary'] as const,
    queryFn: ({ signal }) =>
      apiGet(`/api/clinics/${clinicId}/visits/${visitId}/summary`, visitSummarySchema, {
        signal,
      }),
    retry: false,
  });

export const saveDraft = (
  clinicId: string,
  visitId: string,
  body: VisitNoteDraftSave,
): Promise<VisitNoteVersion> =>
  apiSend('PUT', `${notePath(clinicId, visitId)}/draft`, body, visitNoteVersionSchema);

export const signDraft = (
  clinicId: string,
  visitId: string,
  expectedRevision: number,
): Promise<VisitNoteVersion> =>
  apiSend(
    'POST',
    `${notePath(clinicId, visitId)}/sign`,
    { expectedRevision },
    visitNoteVersionSchema,
  );
