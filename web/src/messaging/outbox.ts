import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { messageSentSchema, type MessageThreadStatus } from '@openvisit/contracts';
import { ApiProblem, ApiUnreachable, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { refreshSessionOnUnauthenticated } from '../auth/session';
import { inboxKey, patchThread, threadPath, withMessage } from './messaging-queries';

/*
 * Messages on their way: each has the id its device chose before the first attempt, and
 * every retry (automatic, or the person's "Retry") sends that same id, so the server stores
 * it once whatever happened to the earlier answers. Kept in the query cache (memory only):
 * they survive moving between pages, and go when the person signs out.
 */

export interface OutgoingMessage {
  id: string;
  body: string;
  attachmentIds: string[];
  status?: MessageThreadStatus | undefined;
  state: 'sending' | 'failed';
  /** Why the last attempt failed, in words. */
  problem?: string | undefined;
}

const outboxKey = (threadId: string) => ['messaging', 'outbox', threadId] as const;
const AUTOMATIC_ATTEMPTS = 3;

export function useOutbox(threadId: string): OutgoingMessage[] {
  const queryClient = useQueryClient();
  const key = outboxKey(threadId);
  const { data } = useQuery({
    queryKey: key,
    // Never fetched: the cache is the store (refetching keeps what is there).
    queryFn: () => queryClient.getQueryData<OutgoingMessage[]>(key) ?? [],
    initialData: [] as OutgoingMessage[],
    staleTime: Infinity,
    gcTime: Infinity,
  });
  return data;
}

function setOutbox(
  queryClient: QueryClient,
  threadId: string,
  update: (messages: OutgoingMessage[]) => OutgoingMessage[],
) {
  queryClient.setQueryData<OutgoingMessage[]>(outboxKey(threadId), (messages) =>
    update(messages ?? []),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Worth trying again by itself: no answer, or the server (or its proxy) was unavailable. */
const transient = (error: unknown) =>
  error instanceof ApiUnreachable || (error instanceof ApiProblem && error.status >= 500);

/**
 * Sends (or re-sends) a message of the outbox. Answers whether it was stored, and if not,
 * why in words.
 */
export async function deliver(
  queryClient: QueryClient,
  target: { clinicId: string; threadId: string },
  message: Omit<OutgoingMessage, 'state' | 'problem'>,
): Promise<{ sent: true } | { sent: false; problem: string }> {
  const { clinicId, threadId } = target;
  setOutbox(queryClient, threadId, (messages) => [
    ...messages.filter((m) => m.id !== message.id),
    { ...message, state: 'sending' },
  ]);
  let problem = '';
  for (let attempt = 1; attempt <= AUTOMATIC_ATTEMPTS; attempt += 1) {
    try {
      const sent = await apiSend(
        'POST',
        `${threadPath(clinicId, threadId)}/messages`,
        {
          id: message.id,
          body: message.body,
          attachmentIds: message.attachmentIds,
          ...(message.status ? { status: message.status } : {}),
        },
        messageSentSchema,
        { timeoutMs: 15_000 },
      );
      // Shown as stored before it leaves the outbox, so it never blinks out.
      patchThread(queryClient, clinicId, threadId, (view) => ({
        ...withMessage(view, sent.message),
        thread: sent.thread,
        // Writing moves the writer's read marker to their message.
        viewerReadUpTo: Math.max(view.viewerReadUpTo, sent.message.sequence),
      }));
      setOutbox(queryClient, threadId, (messages) => messages.filter((m) => m.id !== message.id));
      void queryClient.invalidateQueries({ queryKey: inboxKey(clinicId) });
      void queryClient.invalidateQueries({
        queryKey: ['clinics', clinicId, 'patients', sent.thread.patient.id, 'threads'],
      });
      return { sent: true };
    } catch (error) {
      refreshSessionOnUnauthenticated(queryClient)(error);
      problem = describeError(error).message;
      if (!transient(error) || attempt === AUTOMATIC_ATTEMPTS) break;
      await sleep(1_000 * attempt);
    }
  }
  setOutbox(queryClient, threadId, (messages) =>
    messages.map((m) => (m.id === message.id ? { ...m, state: 'failed', problem } : m)),
  );
  return { sent: false, problem };
}

/** The person gave up on a message that was not sent. */
export function discard(queryClient: QueryClient, threadId: string, messageId: string) {
  setOutbox(queryClient, threadId, (messages) => messages.filter((m) => m.id !== messageId));
}
