import {
  infiniteQueryOptions,
  queryOptions,
  type InfiniteData,
  type QueryClient,
  type QueryKey,
} from '@tanstack/react-query';
import {
  messageInboxSchema,
  messageThreadDetailSchema,
  myUnreadSchema,
  patientThreadListSchema,
  type Message,
  type MessageInbox,
  type MessageThreadDetail,
  type MessageThreadStatus,
  type MessageThreadSummary,
  type PatientThreadList,
  type ReadReceipt,
} from '@openvisit/contracts';
import { apiGet } from '../api/client';
import { patientPath } from '../care/care-queries';
import { fetchLive, type LiveData } from '../shell/realtime';

const clinicPath = (clinicId: string) => `/api/clinics/${encodeURIComponent(clinicId)}`;
export const threadsPath = (clinicId: string, patientId: string) =>
  `${patientPath(clinicId, patientId)}/threads`;
export const threadPath = (clinicId: string, threadId: string) =>
  `${clinicPath(clinicId)}/threads/${encodeURIComponent(threadId)}`;

// Rooms (docs/realtime.md): what each screen's data depends on.
export const userRoom = (userId: string) => `user:${userId}`;
export const threadRoom = (threadId: string) => `thread:${threadId}`;
export const inboxRoom = (clinicId: string) => `clinic-inbox:${clinicId}`;

/** Messages per page of a thread. */
const MESSAGE_PAGE = 100;
/** Pages of catching up before starting again from the newest page. */
const CATCH_UP_PAGES = 10;

// --- the badge -------------------------------------------------------------------------

export const unreadKey = ['me', 'unread'] as const;

export const unreadQuery = (userId: string) =>
  queryOptions({
    queryKey: unreadKey,
    queryFn: ({ signal }) =>
      fetchLive(userRoom(userId), () => apiGet('/api/me/unread', myUnreadSchema, { signal })),
  });

// --- lists of threads ------------------------------------------------------------------

export type ThreadPage = LiveData<PatientThreadList> | LiveData<MessageInbox>;
export type ThreadPages = InfiniteData<ThreadPage, unknown>;

const pageQuery = (cursor: string | undefined) =>
  new URLSearchParams(cursor ? { cursor, limit: '25' } : { limit: '25' });

export const patientThreadsKey = (clinicId: string, patientId: string) =>
  ['clinics', clinicId, 'patients', patientId, 'threads'] as const;

/** A patient's own conversations; their unread counts move with their `user:` room. */
export const patientThreadsQuery = (clinicId: string, patientId: string, viewerId: string) =>
  infiniteQueryOptions({
    queryKey: patientThreadsKey(clinicId, patientId),
    queryFn: ({ pageParam, signal }) =>
      fetchLive(userRoom(viewerId), () =>
        apiGet(
          `${threadsPath(clinicId, patientId)}?${pageQuery(pageParam)}`,
          patientThreadListSchema,
          { signal },
        ),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });

export type InboxStatusFilter = MessageThreadStatus | 'all';
export type InboxAssignedFilter = 'me' | 'unassigned' | 'anyone';
export interface InboxFilters {
  status: InboxStatusFilter;
  assigned: InboxAssignedFilter;
}

export const inboxKey = (clinicId: string) => ['clinics', clinicId, 'inbox'] as const;

export const inboxQuery = (clinicId: string, filters: InboxFilters) =>
  infiniteQueryOptions({
    queryKey: [...inboxKey(clinicId), filters],
    queryFn: ({ pageParam, signal }) => {
      const params = pageQuery(pageParam);
      if (filters.status !== 'all') params.set('status', filters.status);
      params.set('assigned', filters.assigned);
      return fetchLive(inboxRoom(clinicId), () =>
        apiGet(`${clinicPath(clinicId)}/inbox?${params}`, messageInboxSchema, { signal }),
      );
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });

/** Whether a thread in this state belongs in an inbox shown with these filters. */
export function inboxShows(
  filters: InboxFilters,
  thread: { status: MessageThreadStatus; assigneeId: string | null },
  viewerId: string,
): boolean {
  if (filters.status !== 'all' && filters.status !== thread.status) return false;
  if (filters.assigned === 'me') return thread.assigneeId === viewerId;
  if (filters.assigned === 'unassigned') return thread.assigneeId === null;
  return true;
}

/** Every thread of the lists on screen, once (pages may overlap while they refetch). */
export function threadsOf(
  data: { pages: { threads: MessageThreadSummary[] }[] } | undefined,
): MessageThreadSummary[] {
  const seen = new Set<string>();
  return (data?.pages ?? [])
    .flatMap((page) => page.threads)
    .filter((thread) => !seen.has(thread.id) && seen.add(thread.id));
}

/**
 * Changes one thread in every cached list under `queryKey`: `update` answers the new row, or
 * undefined to drop it. Answers whether any list held the thread.
 */
export function patchThreadLists(
  queryClient: QueryClient,
  queryKey: QueryKey,
  threadId: string,
  update: (thread: MessageThreadSummary, key: QueryKey) => MessageThreadSummary | undefined,
): boolean {
  let found = false;
  for (const [key, data] of queryClient.getQueriesData<ThreadPages>({ queryKey })) {
    // Other lists share the prefix (patients, documents): only pages of threads qualify.
    if (!Array.isArray(data?.pages) || !data.pages.every((page) => Array.isArray(page?.threads))) {
      continue;
    }
    if (!data.pages.some((page) => page.threads.some((t) => t.id === threadId))) continue;
    found = true;
    queryClient.setQueryData<ThreadPages>(key, {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        threads: page.threads.flatMap((thread) => {
          if (thread.id !== threadId) return [thread];
          const next = update(thread, key);
          return next ? [next] : [];
        }),
      })),
    });
  }
  return found;
}

// --- one thread ------------------------------------------------------------------------

/**
 * A thread as the page shows it: the messages loaded so far (older pages, the newest, and
 * those that arrived live), with `fetchedUpTo` the last sequence known from the server's
 * pages, where the next catch-up starts (messages that came by event may lack attachment
 * names; catching up from there replaces them).
 */
export type ThreadView = LiveData<MessageThreadDetail> & { fetchedUpTo: number };

export const threadKey = (clinicId: string, threadId: string) =>
  ['clinics', clinicId, 'threads', threadId] as const;

const lastSequence = (messages: Message[]) => messages.at(-1)?.sequence ?? 0;

function mergeMessages(shown: Message[], fresh: Message[]): Message[] {
  const byId = new Map(shown.map((message) => [message.id, message]));
  for (const message of fresh) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.sequence - b.sequence);
}

const laterReceipt = (a: ReadReceipt | null, b: ReadReceipt | null) =>
  !a ? b : !b ? a : b.upToSequence >= a.upToSequence ? b : a;

/**
 * The thread with a page of messages. With the thread already on screen it only catches up
 * (`after` the last sequence fetched), so what the person scrolled back to stays and a long
 * absence costs a few pages, not the whole thread.
 */
export const threadQuery = (queryClient: QueryClient, clinicId: string, threadId: string) =>
  queryOptions({
    queryKey: threadKey(clinicId, threadId),
    queryFn: ({ signal }) =>
      fetchLive(threadRoom(threadId), async (): Promise<Omit<ThreadView, 'liveSince'>> => {
        const get = (params: Record<string, string>) =>
          apiGet(
            `${threadPath(clinicId, threadId)}?${new URLSearchParams({ limit: String(MESSAGE_PAGE), ...params })}`,
            messageThreadDetailSchema,
            { signal },
          );
        const shown = queryClient.getQueryData<ThreadView>(threadKey(clinicId, threadId));
        if (shown) {
          let view: Omit<ThreadView, 'liveSince'> = shown;
          for (let page = 0; page < CATCH_UP_PAGES; page += 1) {
            const fresh = await get({ after: String(view.fetchedUpTo) });
            view = {
              ...fresh,
              messages: mergeMessages(view.messages, fresh.messages),
              hasOlder: view.hasOlder,
              viewerReadUpTo: Math.max(view.viewerReadUpTo, fresh.viewerReadUpTo),
              receipts: {
                patient: laterReceipt(view.receipts.patient, fresh.receipts.patient),
                careTeam: laterReceipt(view.receipts.careTeam, fresh.receipts.careTeam),
              },
              fetchedUpTo: Math.max(view.fetchedUpTo, lastSequence(fresh.messages)),
            };
            if (!fresh.hasNewer) return view;
          }
        }
        const newest = await get({});
        return { ...newest, fetchedUpTo: lastSequence(newest.messages) };
      }),
    staleTime: 0,
  });

/** The page before the oldest message shown, added to the thread on screen. */
export async function loadOlderMessages(
  queryClient: QueryClient,
  clinicId: string,
  threadId: string,
) {
  const shown = queryClient.getQueryData<ThreadView>(threadKey(clinicId, threadId));
  const oldest = shown?.messages[0]?.sequence;
  if (!shown || oldest === undefined) return;
  const page = await apiGet(
    `${threadPath(clinicId, threadId)}?${new URLSearchParams({ before: String(oldest), limit: String(MESSAGE_PAGE) })}`,
    messageThreadDetailSchema,
  );
  patchThread(queryClient, clinicId, threadId, (view) => ({
    ...view,
    messages: mergeMessages(view.messages, page.messages),
    hasOlder: page.hasOlder,
  }));
}

export function patchThread(
  queryClient: QueryClient,
  clinicId: string,
  threadId: string,
  update: (view: ThreadView) => ThreadView,
) {
  queryClient.setQueryData<ThreadView>(threadKey(clinicId, threadId), (view) =>
    view ? update(view) : view,
  );
}

/** Adds a message (once: the same id replaces what was there) to a thread on screen. */
export function withMessage(view: ThreadView, message: Message): ThreadView {
  const lastMessageAt =
    Date.parse(message.createdAt) > Date.parse(view.thread.lastMessageAt)
      ? message.createdAt
      : view.thread.lastMessageAt;
  return {
    ...view,
    messages: mergeMessages(view.messages, [message]),
    thread: { ...view.thread, lastMessageAt },
  };
}

/** A side read further: receipts only move forward. */
export function withReceipt(
  view: ThreadView,
  side: 'patient' | 'care-team',
  receipt: ReadReceipt,
): ThreadView {
  const receipts =
    side === 'patient'
      ? { ...view.receipts, patient: laterReceipt(view.receipts.patient, receipt) }
      : { ...view.receipts, careTeam: laterReceipt(view.receipts.careTeam, receipt) };
  return { ...view, receipts };
}

/** The other side has read it: from the message, or from a receipt that came later. */
export function readByRecipient(view: ThreadView, message: Message): boolean {
  const receipt =
    message.sender.side === 'patient' ? view.receipts.careTeam : view.receipts.patient;
  return message.readByRecipient || (receipt?.upToSequence ?? 0) >= message.sequence;
}

/** A UUID for a message, chosen before the first attempt and kept for every retry. */
export function newMessageId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context; a server reached over plain http on a LAN is not one.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
