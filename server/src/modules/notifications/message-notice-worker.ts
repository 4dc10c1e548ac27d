import type { FastifyBaseLogger } from 'fastify';
import { and, eq, gt, notInArray } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { notificationDeliveries } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { queues, type JobQueue } from '../../platform/jobs/job-queue.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { SmsSender } from '../../platform/sms/sms.js';
import { createClinicService } from '../clinics/service.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import {
  MESSAGE_NOTICE_QUIET_MS,
  messageNoticeJobId,
  type MessageNoticeJob,
} from '../messaging/message-notices.js';
import { createThreadQueries } from '../messaging/thread-queries.js';
import { createDeliverOnce } from './deliver-once.js';
import { createNotificationPreferences } from './preferences-service.js';
import { createSmsOptOuts } from './sms-opt-outs.js';

export const MESSAGE_NOTICE_KIND = 'message-notice';

export interface MessageNoticeWorkerDeps {
  db: AppDatabase;
  clock: Clock;
  jobs: JobQueue;
  mailer: Mailer;
  sms: SmsSender;
  publicUrl: string;
  log: FastifyBaseLogger;
}

export type MessageNoticeOutcome =
  { sent: ('email' | 'sms')[] } | { skipped: 'no-recipient' | 'read-meanwhile' | 'quiet-period' };

/**
 * The words of a "new secure message" notice. Email and SMS are not secure channels (see
 * platform/mail/mailer.ts): the notice says that a message waits and where to sign in,
 * never what it says, who wrote it (beyond the clinic) or what it is about.
 */
export function messageNoticeEmail(clinicName: string, signInUrl: string) {
  const lines = [
    'Hello,',
    `You have a new secure message from ${clinicName}. For your privacy it is not included in this email.`,
    `To read it, sign in: ${signInUrl}`,
    'Please do not reply to this email. Messages are not for emergencies: if this is an emergency, call 911.',
  ];
  const html = [
    `<p>Hello,</p>`,
    `<p>You have a new secure message from ${escapeHtml(clinicName)}. For your privacy it is not included in this email.</p>`,
    `<p>To read it, sign in: <a href="${escapeHtml(signInUrl)}">${escapeHtml(signInUrl)}</a></p>`,
    `<p>Please do not reply to this email. Messages are not for emergencies: if this is an emergency, call 911.</p>`,
  ];
  return {
    subject: `New secure message from ${clinicName.replace(/[\r\n]+/g, ' ')}`,
    text: lines.join('\n\n') + '\n',
    html: `<!doctype html>\n<html lang="en"><body>\n${html.join('\n')}\n</body></html>\n`,
    category: MESSAGE_NOTICE_KIND,
  };
}

export function messageNoticeSms(clinicName: string, signInUrl: string) {
  // Plain ASCII; the link on a line of its own (see appointment-messages.ts).
  const clinic = clinicName.length > 40 ? `${clinicName.slice(0, 39)}.` : clinicName;
  return {
    body: `${clinic}: you have a new secure message.\nSign in to read it: ${signInUrl}\nReply STOP to opt out.`,
    category: MESSAGE_NOTICE_KIND,
  };
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Sends one "new secure message" notice (a pg-boss job's work) to a patient, by email and
 * SMS as their preferences say, like appointment notices. It goes out only while the
 * patient still has an unread care-team message at the clinic, and not within the quiet
 * period of an earlier one. Each channel is delivered once (deliver-once.ts), so a retried
 * job sends nothing twice. Throwing makes pg-boss retry the job with backoff.
 */
export function createMessageNotifier(deps: Omit<MessageNoticeWorkerDeps, 'jobs' | 'log'>) {
  const { db, clock } = deps;
  const directory = createPeopleDirectory(db);
  const clinics = createClinicService(db);
  const preferences = createNotificationPreferences(db);
  const optOuts = createSmsOptOuts(db);
  const threads = createThreadQueries(db);
  const deliverOnce = createDeliverOnce(db, clock);

  /** Another notice reached this person within the quiet period (not this job's own). */
  async function noticedRecently(recipientUserId: string, ownKeys: string[]) {
    const [recent] = await db
      .select({ id: notificationDeliveries.id })
      .from(notificationDeliveries)
      .where(
        and(
          eq(notificationDeliveries.recipientUserId, recipientUserId),
          eq(notificationDeliveries.kind, MESSAGE_NOTICE_KIND),
          eq(notificationDeliveries.status, 'sent'),
          gt(
            notificationDeliveries.sentAt,
            new Date(clock.now().getTime() - MESSAGE_NOTICE_QUIET_MS),
          ),
          notInArray(notificationDeliveries.dedupeKey, ownKeys),
        ),
      )
      .limit(1);
    return recent !== undefined;
  }

  return {
    async handle(job: MessageNoticeJob): Promise<MessageNoticeOutcome> {
      const [patient] = await directory.withRole(job.clinicId, 'patient', {
        ids: [job.recipientUserId],
      });
      const clinic = await clinics.byId(job.clinicId);
      if (!patient || patient.status !== 'active' || !clinic) return { skipped: 'no-recipient' };
      const unread = await threads.unreadTotal(job.clinicId, patient.id, {
        everyone: false,
        patientIds: [],
      });
      if (unread === 0) return { skipped: 'read-meanwhile' };
      const jobId = messageNoticeJobId(job.recipientUserId, job.windowStart);
      const key = (channel: 'email' | 'sms') => `${MESSAGE_NOTICE_KIND}:${jobId}:${channel}`;
      if (await noticedRecently(patient.id, [key('email'), key('sms')])) {
        return { skipped: 'quiet-period' };
      }

      const choice = await preferences.get(patient.id);
      const signInUrl = `${deps.publicUrl}/patient/messages`;
      const delivery = (channel: 'email' | 'sms') => ({
        dedupeKey: key(channel),
        recipientUserId: patient.id,
        kind: MESSAGE_NOTICE_KIND,
        channel,
        subjectId: job.threadId,
      });
      const sent: ('email' | 'sms')[] = [];
      if (choice.emailEnabled) {
        const message = messageNoticeEmail(clinic.name, signInUrl);
        const delivered = await deliverOnce(delivery('email'), () =>
          deps.mailer.send({ to: patient.email, ...message }),
        );
        if (delivered) sent.push('email');
      }
      const number = choice.smsNumber;
      if (choice.smsEnabled && number && !(await optOuts.isOptedOut(number))) {
        const text = messageNoticeSms(clinic.name, signInUrl);
        const delivered = await deliverOnce(delivery('sms'), () =>
          deps.sms.send({ to: number, ...text }),
        );
        if (delivered) sent.push('sms');
      }
      return { sent };
    },
  };
}

export type MessageNotifier = ReturnType<typeof createMessageNotifier>;

/**
 * The worker side of "new secure message" notices (the `all` and `worker` roles). Logs
 * carry ids and outcomes only.
 */
export async function startMessageNoticeWorker(deps: MessageNoticeWorkerDeps) {
  const notifier = createMessageNotifier(deps);
  await deps.jobs.work<MessageNoticeJob>(queues.messageNotice, async (job) => {
    const outcome = await notifier.handle(job.data);
    deps.log.info(
      { job: job.id, thread: job.data.threadId, recipient: job.data.recipientUserId, outcome },
      'message notice',
    );
  });
  return { notifier };
}
