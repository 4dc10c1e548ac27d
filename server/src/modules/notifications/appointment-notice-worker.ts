import type { FastifyBaseLogger } from 'fastify';
import type { AppDatabase } from '../../db/client.js';
import type { Clock } from '../../platform/clock.js';
import { queues, type JobQueue } from '../../platform/jobs/job-queue.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { SmsSender } from '../../platform/sms/sms.js';
import { createClinicService } from '../clinics/service.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { createProfileService } from '../patients/profile-service.js';
import { appointmentNoticeFacts } from '../scheduling/appointment-queries.js';
import {
  createAppointmentNotices,
  type AppointmentNoticeJob,
} from '../scheduling/appointment-notices.js';
import { createAppointmentNotifier, type NoticeRecipient } from './appointment-notifier.js';
import { createNotificationPreferences } from './preferences-service.js';
import { createSmsOptOuts } from './sms-opt-outs.js';

export interface NoticeWorkerDeps {
  db: AppDatabase;
  clock: Clock;
  jobs: JobQueue;
  mailer: Mailer;
  sms: SmsSender;
  publicUrl: string;
  mailFrom: string;
  reminderOffsets: readonly number[];
  log: FastifyBaseLogger;
  /** The repair pass's schedule (cron, UTC). */
  repairCron?: string;
}

/** The notifier on the real modules: scheduling's facts, identity, patients, preferences. */
export function buildAppointmentNotifier(deps: Omit<NoticeWorkerDeps, 'jobs' | 'log'>) {
  const { db } = deps;
  const directory = createPeopleDirectory(db);
  const profiles = createProfileService(db, directory);
  const clinics = createClinicService(db);
  const preferences = createNotificationPreferences(db);
  const optOuts = createSmsOptOuts(db);
  return createAppointmentNotifier({
    db,
    clock: deps.clock,
    mailer: deps.mailer,
    sms: deps.sms,
    appointment: (id) => appointmentNoticeFacts(db, id),
    clinic: (id) => clinics.byId(id),
    async patient(clinicId, patientId, clinicZone): Promise<NoticeRecipient> {
      const [person] = await directory.withRole(clinicId, 'patient', { ids: [patientId] });
      const profile = await profiles.get(clinicId, patientId);
      const name = profile?.preferredName || profile?.legalName || person?.displayName || '';
      return {
        userId: patientId,
        email: person?.status === 'active' ? person.email : undefined,
        firstName: name.split(/\s+/)[0] ?? '',
        timeZone: profile?.timeZone || clinicZone,
      };
    },
    providerName: async (id) => (await directory.names([id])).get(id) ?? 'your provider',
    preferences: (userId) => preferences.get(userId),
    smsOptedOut: (phone) => optOuts.isOptedOut(phone),
    reminderOffsets: deps.reminderOffsets,
    publicUrl: deps.publicUrl,
    mailFrom: deps.mailFrom,
  });
}

/**
 * The worker side of appointment notices: sends each due notice, and every few minutes
 * runs the repair pass that re-queues notices a crash between commit and queueing lost.
 * Logs carry ids and outcomes only.
 */
export async function startAppointmentNoticeWorker(deps: NoticeWorkerDeps) {
  const notifier = buildAppointmentNotifier(deps);
  const notices = createAppointmentNotices({
    jobs: deps.jobs,
    clock: deps.clock,
    reminderOffsets: deps.reminderOffsets,
    onError: (err) => deps.log.error({ err }, 'queueing an appointment notice failed'),
  });
  await deps.jobs.work<AppointmentNoticeJob>(queues.appointmentNotice, async (job) => {
    const outcome = await notifier.handle(job.data);
    deps.log.info(
      { job: job.id, appointment: job.data.appointmentId, kind: job.data.kind, outcome },
      'appointment notice',
    );
  });
  await deps.jobs.work(queues.appointmentNoticeSweep, async () => {
    const repaired = await notices.repair(deps.db);
    deps.log.debug({ repaired }, 'appointment notice repair pass');
  });
  await deps.jobs.every(queues.appointmentNoticeSweep, deps.repairCron ?? '*/10 * * * *');
  return { notifier, notices };
}
