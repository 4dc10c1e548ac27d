import { queryOptions } from '@tanstack/react-query';
import {
  clinicScheduleSchema,
  patientAppointmentsSchema,
  providerCalendarSchema,
  slotSearchResultSchema,
  visitTypeListSchema,
} from '@openvisit/contracts';
import { apiGet } from '../api/client';
import { patientPath } from '../care/care-queries';

const clinicPath = (clinicId: string) => `/api/clinics/${encodeURIComponent(clinicId)}`;

export const appointmentsPath = (clinicId: string, patientId: string) =>
  `${patientPath(clinicId, patientId)}/appointments`;

export const appointmentPath = (clinicId: string, patientId: string, appointmentId: string) =>
  `${appointmentsPath(clinicId, patientId)}/${encodeURIComponent(appointmentId)}`;

export const visitTypesQuery = (clinicId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'visit-types'],
    queryFn: ({ signal }) =>
      apiGet(`${clinicPath(clinicId)}/visit-types`, visitTypeListSchema, { signal }),
  });

export interface SlotSearch {
  visitTypeId: string;
  from: string;
  to: string;
  /** Where the patient is; left out, the server uses a patient's own profile. */
  state?: string;
  providerId?: string;
}

/** Every slot search of the clinic shares this prefix, so a booking can refresh them all. */
export const slotsKey = (clinicId: string) => ['clinics', clinicId, 'slots'];

export const slotsQuery = (clinicId: string, search: SlotSearch) =>
  queryOptions({
    queryKey: [...slotsKey(clinicId), search],
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({
        visitTypeId: search.visitTypeId,
        from: search.from,
        to: search.to,
      });
      if (search.state) params.set('state', search.state);
      if (search.providerId) params.set('providerId', search.providerId);
      return apiGet(`${clinicPath(clinicId)}/slots?${params}`, slotSearchResultSchema, {
        signal,
      });
    },
    // Free times change as others book: always ask again when the picker shows.
    staleTime: 0,
  });

export const patientAppointmentsQuery = (clinicId: string, patientId: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'patients', patientId, 'appointments'],
    queryFn: ({ signal }) =>
      apiGet(appointmentsPath(clinicId, patientId), patientAppointmentsSchema, { signal }),
    staleTime: 0,
  });

export const providerCalendarQuery = (
  clinicId: string,
  providerId: string,
  range: { from: string; to: string; includeCancelled?: string },
) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'providers', providerId, 'calendar', range],
    queryFn: ({ signal }) => {
      const params = new URLSearchParams(range);
      return apiGet(
        `${clinicPath(clinicId)}/providers/${encodeURIComponent(providerId)}/calendar?${params}`,
        providerCalendarSchema,
        { signal },
      );
    },
    staleTime: 0,
  });

export const clinicScheduleQuery = (clinicId: string, date: string, timeZone: string) =>
  queryOptions({
    queryKey: ['clinics', clinicId, 'schedule', date, timeZone],
    queryFn: ({ signal }) =>
      apiGet(
        `${clinicPath(clinicId)}/schedule?${new URLSearchParams({ date, timeZone })}`,
        clinicScheduleSchema,
        { signal },
      ),
    staleTime: 0,
  });
