import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { visitEventTypes, visitChatMessageSchema, visitSchema } from '@openvisit/contracts';
import { isCurrent, realtime, useRealtimeRoom } from '../shell/realtime';
import { userRoom } from '../messaging/messaging-queries';
import {
  putChatMessage,
  putVisit,
  visitChatKey,
  visitKey,
  visitRoom,
  type VisitView,
} from './visit-queries';

/**
 * Keeps one visit (and its chat) live while mounted: holds its room, applies the snapshots
 * `visit.updated` carries and appends `visit.chat` messages, from whichever room brings them
 * (the visit's, or the viewer's own `user:` room, held by the layout). When either room is
 * joined afresh (a reconnect the resume could not cover) both are fetched again.
 */
export function useVisitLive({ clinicId, visitId, viewerId }: VisitView) {
  const queryClient = useQueryClient();
  const room = visitRoom(visitId);
  useRealtimeRoom(room);
  useEffect(() => {
    const stops = [
      realtime.on(visitEventTypes.visitUpdated, (event) => {
        const parsed = visitSchema.safeParse(event.data.visit);
        if (parsed.success && parsed.data.id === visitId) putVisit(queryClient, parsed.data);
      }),
      realtime.on(visitEventTypes.chatMessage, (event) => {
        const parsed = visitChatMessageSchema.safeParse(event.data.message);
        if (parsed.success && parsed.data.visitId === visitId) {
          putChatMessage(queryClient, clinicId, parsed.data);
        }
      }),
      realtime.onRoomLive((liveRoom, mark) => {
        if (liveRoom !== room && liveRoom !== userRoom(viewerId)) return;
        // Not deferred until the person is back (refreshWhenPresent): a patient sitting
        // still in the waiting room must not miss being admitted. One request per rejoin.
        for (const queryKey of [visitKey(clinicId, visitId), visitChatKey(clinicId, visitId)]) {
          if (!isCurrent(queryClient.getQueryData(queryKey), mark)) {
            void queryClient.invalidateQueries({ queryKey, exact: true });
          }
        }
      }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [queryClient, clinicId, visitId, viewerId, room]);
}
