import type { AppDatabase } from '../../db/client.js';
import type { Clock } from '../../platform/clock.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { SmsSender } from '../../platform/sms/sms.js';
import type { AppointmentNoticeFacts } from '../scheduling/appointment-queries.js';
import type { AppointmentNoticeJob } from '../scheduling/appointment-notices.js';
import {
  appointmentEmail,
  appointmentSms,
  type NoticeFacts,
  type NoticeKind,
} from './appointment-messages.js';
import { createDeliverOnce } from './deliver-once.js';

/** Who a notice goes to, as the identity and patients modules know them. */
export interface NoticeRecipient {
  userId: string;
  email: string | undefined;
  /** Greeting only: the preferred or first name. */
  firstName: string;
  /** The patient's own zone, or the clinic's when the profile has none. */
  timeZone: string;
}

export interface AppointmentNotifierDeps {
  db: AppDatabase;
  clock: Clock;
  mailer: Mailer;
  sms: SmsSender;
  /** Scheduling's read of the appointment (appointmentNoticeFacts). */
  appointment: (id: string) => Promise<AppointmentNoticeFacts | undefined>;
  clinic: (clinicId: string) => Promise<{ name: string; timezone: string } | undefined>;
  patient: (clinicId: string, patientId: string, clinicZone: string) => Promise<NoticeRecipient>;
  providerName: (providerId: string) => Promise<string>;
  preferences: (userId: string) => Promise<{
    emailEnabled: boolean;
    smsEnabled: boolean;
    smsNumber: string | null;
  }>;
  smsOptedOut: (phone: string) => Promise<boolean>;
  /** Reminder offsets in minutes (a later, shorter one supersedes a longer one). */
  reminderOffsets: readonly number[];
  publicUrl: string;
  /** The From address: the calendar invitation's organizer. */
  mailFrom: string;
}

export type NoticeOutcome =
  | { sent: ('email' | 'sms')[] }
  | { skipped: 'no-appointment' | 'not-booked' | 'not-cancelled' | 'past' | 'superseded' };

const bareAddress = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from.trim();

/**
 * Sends one appointment notice (a pg-boss job's work). It re-reads the appointment first,
 * so a reminder for a visit cancelled or moved meanwhile is dropped even if its job was not.
 * Each channel's delivery is recorded under `<kind>:<appointment>:<channel>`: a job run
 * twice (a retry after a crash, a duplicate from the repair pass) sends nothing twice.
 * Throwing makes pg-boss retry the job with backoff.
 */
export function createAppointmentNotifier(deps: AppointmentNotifierDeps) {
  const { db, clock } = deps;
  const offsets = [...deps.reminderOffsets];

  function refusal(job: AppointmentNoticeJob, facts: AppointmentNoticeFacts | undefined) {
    if (!facts) return 'no-appointment' as const;
    const now = clock.now().getTime();
    if (facts.startsAt.getTime() <= now) return 'past' as const;
    if (job.kind === 'cancelled') return facts.status === 'cancelled' ? null : 'not-cancelled';
    if (facts.status !== 'booked') return 'not-booked' as const;
    const offset = job.offsetMinutes;
    if (offset !== undefined) {
      // A worker that was down past a shorter reminder's time sends only that one.
      const shorterDue = offsets.some(
        (o) => o < offset && facts.startsAt.getTime() - o * 60_000 <= now,
      );
      if (shorterDue) return 'superseded' as const;
    }
    return null;
  }

  const deliverOnce = createDeliverOnce(db, clock);

  const deliver = (
    key: string,
    job: AppointmentNoticeJob,
    userId: string,
    channel: 'email' | 'sms',
    send: () => Promise<void>,
  ): Promise<boolean> =>
    deliverOnce(
      {
        dedupeKey: key,
        recipientUserId: userId,
        kind: job.kind,
        channel,
        subjectId: job.appointmentId,
      },
      send,
    );

  /** The wording the messages module has for this job (reminders by their offset). */
  function messageKind(job: AppointmentNoticeJob): NoticeKind {
    if (job.kind === 'confirmation' || job.kind === 'cancelled') return job.kind;
    return (job.offsetMinutes ?? 0) >= 360 ? 'reminder-24h' : 'reminder-1h';
  }

  return {
    async handle(job: AppointmentNoticeJob): Promise<NoticeOutcome> {
      const facts = await deps.appointment(job.appointmentId);
      const refused = refusal(job, facts);
      if (refused) return { skipped: refused };
      const appointment = facts!;
      const clinic = (await deps.clinic(appointment.clinicId))!;
      const patient = await deps.patient(
        appointment.clinicId,
        appointment.patientId,
        clinic.timezone,
      );
      const preferences = await deps.preferences(patient.userId);
      const visitUrl = `${deps.publicUrl}/patient/visits`;
      const notice: NoticeFacts = {
        kind: messageKind(job),
        appointmentId: appointment.id,
        sequence: job.kind === 'cancelled' ? 1 : 0,
        startsAt: appointment.startsAt,
        endsAt: appointment.endsAt,
        modality: appointment.modality,
        patientFirstName: patient.firstName,
        providerDisplayName: await deps.providerName(appointment.providerId),
        clinicName: clinic.name,
        timeZone: patient.timeZone,
        signInUrl: visitUrl,
        joinUrl: `${visitUrl}/${appointment.id}`,
        organizerEmail: bareAddress(deps.mailFrom),
        attendeeEmail: patient.email ?? '',
        issuedAt: clock.now(),
      };
      const sent: ('email' | 'sms')[] = [];
      const key = (channel: string) => `${job.kind}:${job.appointmentId}:${channel}`;

      const email = patient.email;
      if (preferences.emailEnabled && email) {
        const message = appointmentEmail(notice);
        const delivered = await deliver(key('email'), job, patient.userId, 'email', () =>
          deps.mailer.send({ to: email, ...message }),
        );
        if (delivered) sent.push('email');
      }
      const number = preferences.smsNumber;
      if (preferences.smsEnabled && number && !(await deps.smsOptedOut(number))) {
        const text = appointmentSms(notice);
        const delivered = await deliver(key('sms'), job, patient.userId, 'sms', () =>
          deps.sms.send({ to: number, ...text }),
        );
        if (delivered) sent.push('sms');
      }
      return { sent };
    },
  };
}

export type AppointmentNotifier = ReturnType<typeof createAppointmentNotifier>;
