import type { Clock } from '../../platform/clock.js';
import { queues, type JobQueue } from '../../platform/jobs/job-queue.js';
import { nameBasedId } from '../../platform/name-based-id.js';

/** The quiet period: at most one "new secure message" notice per person in this window. */
export const MESSAGE_NOTICE_QUIET_MS = 15 * 60_000;
/**
 * How long a notice waits before it goes out: a patient who is in the app reads the message
 * meanwhile, and the notice is then dropped (the handler checks for unread messages).
 */
export const MESSAGE_NOTICE_DELAY_S = 60;

/** What a notice job carries: ids only (job rows are not the place for PHI). */
export interface MessageNoticeJob {
  recipientUserId: string;
  /** The clinic whose care team wrote first in this window (the notice names it). */
  clinicId: string;
  threadId: string;
  /** Start of the quiet-period window (ms since the epoch). */
  windowStart: number;
}

/**
 * One job per recipient and quiet-period window, under an id derived from both: a burst of
 * messages in one window queues one job (the later sends are no-ops). The handler also
 * skips a notice when one went out less than the quiet period ago (a burst straddling two
 * windows).
 */
export const messageNoticeJobId = (recipientUserId: string, windowStart: number) =>
  nameBasedId(`message-notice:${recipientUserId}:${windowStart}`);

export interface MessageNoticesDeps {
  jobs: Pick<JobQueue, 'send'>;
  clock: Clock;
  /** Seconds a notice waits before going out (tests pass 0). */
  delaySeconds?: number;
  /** Queueing failed after the message was committed: the message stands, the notice is lost. */
  onError: (err: unknown) => void;
}

/** Turns care-team messages into queued notices for the patient. */
export function createMessageNotices(deps: MessageNoticesDeps) {
  const delay = deps.delaySeconds ?? MESSAGE_NOTICE_DELAY_S;
  return {
    /** The care team wrote to a patient; never throws (the message is already stored). */
    async careTeamWrote(input: { recipientUserId: string; clinicId: string; threadId: string }) {
      const now = deps.clock.now().getTime();
      const windowStart = now - (now % MESSAGE_NOTICE_QUIET_MS);
      try {
        await deps.jobs.send<MessageNoticeJob>(
          queues.messageNotice,
          { ...input, windowStart },
          {
            id: messageNoticeJobId(input.recipientUserId, windowStart),
            startAfterSeconds: delay,
          },
        );
      } catch (err) {
        deps.onError(err);
      }
    },
  };
}

export type MessageNotices = ReturnType<typeof createMessageNotices>;
