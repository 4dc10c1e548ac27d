import { queryOptions } from '@tanstack/react-query';
import {
  providerProfileListSchema,
  providerProfileSchema,
  type ProviderProfile,
} from '@openvisit/contracts';
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

/** One provider's profile (with license numbers and expiry for admins and the provider). */
export const providerProfileQuery = (clinicId: string, providerId: string) =>
  queryOptions({
    // Under the directory's key: what refreshes the directory refreshes this too.
    queryKey: ['clinics', clinicId, 'provider-profiles', providerId],
    queryFn: ({ signal }) =>
      apiGet(providerProfilePath(clinicId, providerId), providerProfileSchema, { signal }),
    staleTime: 0,
  });

/** Where a provider's photo is sent (POST, multipart) and served. */
export const providerPhotoPath = (clinicId: string, providerId: string) =>
  `/api/clinics/${encodeURIComponent(clinicId)}/providers/${encodeURIComponent(providerId)}/photo`;

/**
 * The address of the provider's current photo, or undefined without one. The photo's id is
 * in it: the server lets browsers keep a photo a few minutes, and a new photo must not wait.
 */
export const providerPhotoUrl = (
  clinicId: string,
  provider: Pick<ProviderProfile, 'providerId' | 'photoId'>,
) =>
  provider.photoId
    ? `${providerPhotoPath(clinicId, provider.providerId)}?v=${encodeURIComponent(provider.photoId)}`
    : undefined;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from the viewer's today to a calendar date (negative once it has passed). */
export function daysUntil(date: string, now = new Date()): number {
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((new Date(`${date}T00:00:00Z`).getTime() - today) / DAY_MS);
}
