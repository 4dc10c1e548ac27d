import { queryOptions, type QueryClient } from '@tanstack/react-query';
import {
  iceServersSchema,
  visitChatSchema,
  visitChatMessageSchema,
  visitSchema,
  waitingRoomSchema,
  type Visit,
  type VisitChat,
  type VisitChatMessage,
} from '@openvisit/contracts';
import { apiGet, apiSend } from '../api/client';
import { fetchLive } from '../shell/realtime';

/*
 * The visit's data. The visit and its chat are fetched once their room `visit:<id>` is
 * joined (`fetchLive`), so `visit.updated` and `visit.chat` events complete them from there.
 */

/** Which visit a view shows, and to whom. */
export interface VisitView {
  clinicId: string;
  visitId: string;
  viewerId: string;
}

export const visitRoom = (visitId: string) => `visit:${visitId}`;
const visitPath = (clinicId: string, visitId: string) =>
  `/api/clinics/${clinicId}/visits/${visitId}`;

export const visitKey = (clinicId: string, visitId: string) =>
  ['clinics', clinicId, 'visits', visitId] as const;
export const visitChatKey = (clinicId: string, visitId: string) =>
  ['clinics', clinicId, 'visits', visitId, 'chat'] as const;
export const waitingRoomKey = (clinicId: string) => ['clinics', clinicId, 'waiting-room'] as const;

export const visitQuery = (clinicId: string, visitId: string) =>
  queryOptions({
    queryKey: visitKey(clinicId, visitId),
    queryFn: ({ signal }) =>
      fetchLive(visitRoom(visitId), () =>
        apiGet(visitPath(clinicId, visitId), visitSchema, { signal }),
      ),
  });

export const visitChatQuery = (clinicId: string, visitId: string) =>
  queryOptions({
    queryKey: visitChatKey(clinicId, visitId),
    queryFn: ({ signal }) =>
      fetchLive(visitRoom(visitId), () =>
        apiGet(`${visitPath(clinicId, visitId)}/chat`, visitChatSchema, { signal }),
      ),
  });

export const waitingRoomQuery = (clinicId: string) =>
  queryOptions({
    queryKey: waitingRoomKey(clinicId),
    queryFn: ({ signal }) =>
      apiGet(`/api/clinics/${clinicId}/waiting-room`, waitingRoomSchema, { signal }),
  });

export const fetchIceServers = (clinicId: string, visitId: string) =>
  apiGet(`${visitPath(clinicId, visitId)}/ice-servers`, iceServersSchema);

export const changeVisit = (
  clinicId: string,
  visitId: string,
  step: 'check-in' | 'admit' | 'end',
): Promise<Visit> => apiSend('POST', `${visitPath(clinicId, visitId)}/${step}`, {}, visitSchema);

export const sendChat = (clinicId: string, visitId: string, id: string, body: string) =>
  apiSend('POST', `${visitPath(clinicId, visitId)}/chat`, { id, body }, visitChatMessageSchema, {
    idempotencyKey: id,
  });

/** A visit snapshot (an answer or an event's payload) replaces the cached one, keeping its mark. */
export function putVisit(queryClient: QueryClient, visit: Visit) {
  queryClient.setQueryData(visitKey(visit.clinicId, visit.id), (old) =>
    old ? { ...old, ...visit } : old,
  );
}

/** Adds a chat message once (the sender's own answer and its event both bring it). */
export function putChatMessage(
  queryClient: QueryClient,
  clinicId: string,
  message: VisitChatMessage,
) {
  queryClient.setQueryData(
    visitChatKey(clinicId, message.visitId),
    (old: (VisitChat & { liveSince: number | undefined }) | undefined) => {
      if (!old || old.messages.some((m) => m.id === message.id)) return old;
      const messages = [...old.messages, message].sort((a, b) => a.sequence - b.sequence);
      return { ...old, messages };
    },
  );
}
