import { useEffect } from 'react';
import { queryOptions, useQueryClient, type QueryClient } from '@tanstack/react-query';
import {
  guestVisitSchema,
  iceServersSchema,
  visitGuestEventTypes,
  visitGuestListSchema,
  visitGuestSchema,
  visitInviteSchema,
  type GuestVisit,
  type VisitGuest,
  type VisitGuestState,
} from '@openvisit/contracts';
import { apiGet, apiSend } from '../api/client';
import { userRoom } from '../messaging/messaging-queries';
import { fetchLive, isCurrent, realtime } from '../shell/realtime';

/*
 * Guests of a video visit (docs/visits.md "Guests"): the provider's invites and guest list
 * (live from `visit.guests` in the viewer's own room), and the guest's own side (no account:
 * the `ov_guest` cookie the accept sets is their only credential).
 */

const guestsPath = (clinicId: string, visitId: string) =>
  `/api/clinics/${clinicId}/visits/${visitId}/guests`;

export const visitGuestsKey = (clinicId: string, visitId: string) =>
  ['clinics', clinicId, 'visits', visitId, 'guests'] as const;

/** The visit's guests, complete from the join of the viewer's own room (which hears changes). */
export const visitGuestsQuery = (clinicId: string, visitId: string, viewerId: string) =>
  queryOptions({
    queryKey: visitGuestsKey(clinicId, visitId),
    queryFn: ({ signal }) =>
      fetchLive(userRoom(viewerId), () =>
        apiGet(guestsPath(clinicId, visitId), visitGuestListSchema, { signal }),
      ),
  });

/** Keeps the guest list live: `visit.guests` replaces it; a fresh join of the room refetches. */
export function useVisitGuestsLive(clinicId: string, visitId: string, viewerId: string) {
  const queryClient = useQueryClient();
  useEffect(() => {
    const key = visitGuestsKey(clinicId, visitId);
    const stops = [
      realtime.on(visitGuestEventTypes.guests, (event) => {
        if (event.data.visitId !== visitId) return;
        const parsed = visitGuestListSchema.safeParse({ guests: event.data.guests });
        if (!parsed.success) return;
        queryClient.setQueryData(key, (old: { liveSince?: number } | undefined) =>
          old ? { ...old, guests: parsed.data.guests } : old,
        );
      }),
      realtime.onRoomLive((room, mark) => {
        if (room !== userRoom(viewerId)) return;
        if (!isCurrent(queryClient.getQueryData(key), mark)) {
          void queryClient.invalidateQueries({ queryKey: key, exact: true });
        }
      }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [queryClient, clinicId, visitId, viewerId]);
}

/** A new single-use link (shown once: only its hash is kept on the server). */
export const inviteGuest = (clinicId: string, visitId: string) =>
  apiSend('POST', `/api/clinics/${clinicId}/visits/${visitId}/invites`, {}, visitInviteSchema);

export const changeGuest = (
  clinicId: string,
  visitId: string,
  guestId: string,
  step: 'admit' | 'remove',
): Promise<VisitGuest> =>
  apiSend('POST', `${guestsPath(clinicId, visitId)}/${guestId}/${step}`, {}, visitGuestSchema);

/** A guest's answer replaces its row in the cached list (its event may come first or later). */
export function putGuest(
  queryClient: QueryClient,
  clinicId: string,
  visitId: string,
  guest: VisitGuest,
) {
  queryClient.setQueryData(
    visitGuestsKey(clinicId, visitId),
    (old: { guests: VisitGuest[]; liveSince: number | undefined } | undefined) =>
      old ? { ...old, guests: old.guests.map((g) => (g.id === guest.id ? guest : g)) } : old,
  );
}

export const guestStateLabel: Record<VisitGuestState, string> = {
  invited: 'Invited (link not used yet)',
  waiting: 'Waiting to be let in',
  admitted: 'In the call',
  removed: 'Removed',
};

// --- the guest's own side -------------------------------------------------------------------

export const guestVisitKey = ['guest-visit'] as const;

export const guestVisitQuery = queryOptions({
  queryKey: guestVisitKey,
  queryFn: ({ signal }) => apiGet('/api/guest/visit', guestVisitSchema, { signal }),
  // A guest's session ends for good (removed, visit over): a 401 is not retried.
  retry: false,
  staleTime: Infinity,
});

/** Uses the invite link (once): sets the guest's cookie, answers what they may see. */
export const acceptInvite = (token: string, displayName: string): Promise<GuestVisit> =>
  apiSend('POST', '/api/visit-invites/accept', { token, displayName }, guestVisitSchema);

export const fetchGuestIceServers = () => apiGet('/api/guest/visit/ice-servers', iceServersSchema);
