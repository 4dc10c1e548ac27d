import { useEffect, useSyncExternalStore } from 'react';
import { useQueryClient, type Query, type QueryClient } from '@tanstack/react-query';
import {
  messageCreatedEventSchema,
  messagingEventTypes,
  threadReadEventSchema,
  threadUpdatedEventSchema,
  unreadChangedEventSchema,
  type Message,
  type MessageThreadSummary,
} from '@openvisit/contracts';
import { useSession } from '../auth/session';
import { isCurrent, realtime, refreshWhenPresent, useRealtimeRoom } from '../shell/realtime';
import {
  inboxKey,
  inboxShows,
  patchThread,
  patchThreadLists,
  threadKey,
  unreadKey,
  userRoom,
  withMessage,
  withReceipt,
  type InboxFilters,
  type ThreadPages,
  type ThreadView,
} from './messaging-queries';

/*
 * What messaging events change on screen. Payloads patch the caches straight away (no
 * request); what they cannot carry (names, attachments, a thread new to a list) is
 * refetched, through `refreshWhenPresent` so events alone never keep a session alive.
 */

interface Viewer {
  id: string;
  displayName: string;
}

/** The thread lists of one clinic: the inbox's (any filters) and a patient's own. */
const isInboxQuery = (clinicId: string) => (query: Query) =>
  query.queryKey[0] === 'clinics' &&
  query.queryKey[1] === clinicId &&
  query.queryKey[2] === 'inbox';
const isPatientListQuery = (clinicId: string | undefined) => (query: Query) =>
  query.queryKey[0] === 'clinics' &&
  (clinicId === undefined || query.queryKey[1] === clinicId) &&
  query.queryKey[2] === 'patients' &&
  query.queryKey[4] === 'threads';

/** The live mark of a query's data (an infinite query's: its first page's). */
function dataOf(query: Query): unknown {
  const data = query.state.data as { pages?: unknown[] } | undefined;
  return data && Array.isArray(data.pages) ? data.pages[0] : data;
}

/** Sorts a list page by last activity (what the server orders by), after a patch. */
function byActivity(data: ThreadPages): ThreadPages {
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      threads: [...page.threads].sort(
        (a, b) =>
          Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt) || b.id.localeCompare(a.id),
      ),
    })),
  };
}

/** People whose names the page already knows (an assignee id in an event has no name). */
function knownPerson(queryClient: QueryClient, viewer: Viewer, id: string) {
  if (id === viewer.id) return { id, displayName: viewer.displayName };
  for (const [, data] of queryClient.getQueriesData<ThreadPages>({ queryKey: ['clinics'] })) {
    for (const page of Array.isArray(data?.pages) ? data.pages : []) {
      for (const thread of Array.isArray(page?.threads) ? page.threads : []) {
        if (thread.assignee?.id === id) return thread.assignee;
      }
    }
  }
  return undefined;
}

function onMessageCreated(queryClient: QueryClient, viewer: Viewer, data: unknown) {
  const parsed = messageCreatedEventSchema.safeParse(data);
  if (!parsed.success) return;
  const { clinicId, threadId, message } = parsed.data;
  const shown: Message = {
    id: message.id,
    threadId: message.threadId,
    sequence: message.sequence,
    body: message.body,
    createdAt: message.createdAt,
    sender: message.sender,
    // Names depend on who reads (the front desk does not see clinical ones): fetched below.
    attachments: message.attachmentIds.map((documentId) => ({
      documentId,
      available: false,
      fileName: null,
      mediaType: null,
      sizeBytes: null,
      retracted: false,
    })),
    readByRecipient: false,
  };
  const key = threadKey(clinicId, threadId);
  const before = queryClient.getQueryData<ThreadView>(key);
  patchThread(queryClient, clinicId, threadId, (view) => withMessage(view, shown));
  if (before && message.attachmentIds.length > 0) {
    refreshWhenPresent(queryClient, `thread:${threadId}`, { queryKey: key, exact: true });
  }
  if (
    before &&
    message.sender.id !== viewer.id &&
    !before.messages.some((m) => m.id === message.id)
  ) {
    announce(threadId, `New message from ${message.sender.displayName}.`);
  }
}

function onThreadRead(queryClient: QueryClient, data: unknown) {
  const parsed = threadReadEventSchema.safeParse(data);
  if (!parsed.success) return;
  const { clinicId, threadId, side, upToSequence, at } = parsed.data;
  patchThread(queryClient, clinicId, threadId, (view) => {
    const next = withReceipt(view, side, { upToSequence, at });
    // The patient is the only one on their side: their other devices' reads are theirs.
    return view.viewerSide === 'patient' && side === 'patient'
      ? { ...next, viewerReadUpTo: Math.max(next.viewerReadUpTo, upToSequence) }
      : next;
  });
}

function onThreadUpdated(queryClient: QueryClient, viewer: Viewer, data: unknown) {
  const parsed = threadUpdatedEventSchema.safeParse(data);
  if (!parsed.success) return;
  const { clinicId, threadId, status, assigneeId, lastMessageAt } = parsed.data;
  const assignee = assigneeId === null ? null : knownPerson(queryClient, viewer, assigneeId);
  const change = (thread: MessageThreadSummary): MessageThreadSummary => ({
    ...thread,
    status,
    lastMessageAt:
      Date.parse(lastMessageAt) > Date.parse(thread.lastMessageAt)
        ? lastMessageAt
        : thread.lastMessageAt,
    assignee: assigneeId === thread.assignee?.id ? thread.assignee : (assignee ?? thread.assignee),
  });
  const nameUnknown = assigneeId !== null && assignee === undefined;

  const key = threadKey(clinicId, threadId);
  const view = queryClient.getQueryData<ThreadView>(key);
  if (view) {
    queryClient.setQueryData<ThreadView>(key, { ...view, thread: change(view.thread) });
    if (nameUnknown && view.thread.assignee?.id !== assigneeId) {
      refreshWhenPresent(queryClient, `thread:${threadId}`, { queryKey: key, exact: true });
    }
  }

  // The inbox: patch the rows it has; refetch a list the thread (newly) belongs in.
  for (const [listKey, list] of queryClient.getQueriesData<ThreadPages>({
    predicate: isInboxQuery(clinicId),
  })) {
    if (!Array.isArray(list?.pages) || typeof listKey[3] !== 'object') continue;
    const filters = listKey[3] as InboxFilters;
    const belongs = inboxShows(filters, { status, assigneeId }, viewer.id);
    const has = list.pages.some((page) => page.threads.some((t) => t.id === threadId));
    if (has) {
      queryClient.setQueryData<ThreadPages>(
        listKey,
        byActivity({
          ...list,
          pages: list.pages.map((page) => ({
            ...page,
            threads: page.threads.flatMap((t) =>
              t.id !== threadId ? [t] : belongs ? [change(t)] : [],
            ),
          })),
        }),
      );
    }
    if ((belongs && !has) || (belongs && nameUnknown)) {
      refreshWhenPresent(queryClient, `inbox:${JSON.stringify(listKey)}`, {
        queryKey: listKey,
        exact: true,
      });
    }
  }

  // A patient's own list (they hear of status and assignee changes).
  const found = patchThreadLists(queryClient, ['clinics', clinicId, 'patients'], threadId, change);
  if (!found || nameUnknown) {
    refreshWhenPresent(queryClient, `patient-threads:${clinicId}`, {
      predicate: isPatientListQuery(clinicId),
    });
  }
}

function onUnreadChanged(queryClient: QueryClient, data: unknown) {
  const parsed = unreadChangedEventSchema.safeParse(data);
  if (!parsed.success) return;
  const { clinicId, threadId, unread } = parsed.data;
  patchThread(queryClient, clinicId, threadId, (view) => ({
    ...view,
    thread: { ...view.thread, unread },
  }));
  let grew: string | undefined;
  const listed = patchThreadLists(queryClient, ['clinics', clinicId], threadId, (thread) => {
    if (unread > thread.unread) grew = thread.subject;
    return { ...thread, unread };
  });
  if (grew !== undefined) announce(LIST_CHANNEL, `New message in “${grew}”.`);
  else if (!listed && unread > 0) announce(LIST_CHANNEL, 'A new message arrived.');
  // The badge is a sum over threads the event does not list: ask for it again.
  refreshWhenPresent(queryClient, 'unread', { queryKey: unreadKey, exact: true });
  // A patient's list orders by last activity, which this event does not carry.
  refreshWhenPresent(queryClient, `patient-threads:${clinicId}`, {
    predicate: isPatientListQuery(clinicId),
  });
}

/** A room got a new live mark: data fetched under another may lack events; refetch it. */
function onRoomLive(queryClient: QueryClient, room: string, mark: number) {
  const [kind, id] = room.split(':') as [string, string];
  const stale = (matches: (query: Query) => boolean) => (query: Query) =>
    matches(query) && !isCurrent(dataOf(query), mark);
  if (kind === 'user') {
    refreshWhenPresent(queryClient, `live:${room}`, {
      predicate: stale(
        (q) =>
          (q.queryKey[0] === unreadKey[0] && q.queryKey[1] === unreadKey[1]) ||
          isPatientListQuery(undefined)(q),
      ),
    });
  } else if (kind === 'clinic-inbox') {
    refreshWhenPresent(queryClient, `live:${room}`, {
      queryKey: inboxKey(id),
      predicate: stale(() => true),
    });
  } else if (kind === 'thread') {
    refreshWhenPresent(queryClient, `live:${room}`, {
      predicate: stale(
        (q) => q.queryKey[0] === 'clinics' && q.queryKey[2] === 'threads' && q.queryKey[3] === id,
      ),
    });
  }
}

/**
 * Keeps messaging's caches live for the signed-in person (mounted once, in the layout): their
 * own room carries their unread counts wherever they are in the app.
 */
export function MessagingLive(): null {
  const sessionState = useSession();
  const queryClient = useQueryClient();
  const user = sessionState.status === 'signed-in' ? sessionState.session.user : undefined;
  const userId = user?.id;
  const displayName = user?.displayName ?? '';
  useRealtimeRoom(userId ? userRoom(userId) : undefined);
  useEffect(() => {
    if (!userId) return;
    const viewer = { id: userId, displayName };
    const stops = [
      realtime.on(messagingEventTypes.messageCreated, (e) =>
        onMessageCreated(queryClient, viewer, e.data),
      ),
      realtime.on(messagingEventTypes.threadRead, (e) => onThreadRead(queryClient, e.data)),
      realtime.on(messagingEventTypes.threadUpdated, (e) =>
        onThreadUpdated(queryClient, viewer, e.data),
      ),
      realtime.on(messagingEventTypes.unreadChanged, (e) => onUnreadChanged(queryClient, e.data)),
      realtime.onRoomLive((room, mark) => onRoomLive(queryClient, room, mark)),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [queryClient, userId, displayName]);
  return null;
}

// --- announcements -----------------------------------------------------------------------

/*
 * What a page's live region says when a message arrives: set by the event (not worked out
 * from the data), so refetches and the page's own sends never announce anything. A channel
 * is a thread's id, or the lists' (the Messages page, the inbox).
 */
export const LIST_CHANNEL = 'lists';

interface Announcement {
  channel: string;
  text: string;
  /** Changes with every announcement, so the same words twice are read twice. */
  serial: number;
}
const latest = new Map<string, Announcement>();
let serial = 0;
const announcementListeners = new Set<() => void>();

function announce(channel: string, text: string) {
  latest.set(channel, { channel, text, serial: ++serial });
  for (const listener of announcementListeners) listener();
}

/** Announcements up to now: a page mounting later must not repeat them. */
export const announcementSerial = () => serial;

/** The latest announcement on `channel` after `since` (a serial), if any. */
export function useAnnouncement(channel: string, since: number): Announcement | undefined {
  const current = useSyncExternalStore(
    (listener) => {
      announcementListeners.add(listener);
      return () => {
        announcementListeners.delete(listener);
      };
    },
    () => latest.get(channel),
  );
  return current && current.serial > since ? current : undefined;
}
