import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../platform/clock.js';
import { createJobQueue, queues, type JobQueue } from '../../platform/jobs/job-queue.js';
import { createOutboxMailer, listOutbox } from '../../platform/mail/outbox-mailer.js';
import { createOutboxSms, listSmsOutbox } from '../../platform/sms/outbox-sms.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { createMessageNotices, messageNoticeJobId } from '../messaging/message-notices.js';
import { messagingServiceOf, messagingWorld } from '../messaging/messaging-test-kit.js';
import { createMessageNotifier, startMessageNoticeWorker } from './message-notice-worker.js';
import { newMobileNumber } from './notifications-test-kit.js';
import { createNotificationPreferences } from './preferences-service.js';

const silentLog = {
  info: () => {},
  debug: () => {},
  error: () => {},
} as unknown as Parameters<typeof startMessageNoticeWorker>[0]['log'];
const MINUTE = 60_000;

/** Resolves once `check` answers true; bounded, so a lost job fails the test, not hangs it. */
async function until(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('"new secure message" notices', () => {
  let t: TestApp;
  const running: JobQueue[] = [];
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => {
    for (const jobs of running.splice(0)) await jobs.stop();
  });
  afterAll(() => t.close());

  /** A clinic, its messaging on a clock the test moves, and a notice worker running. */
  async function world(start: Date) {
    const clock = manualClock(start);
    const db = t.testDatabase.database.db;
    const w = await messagingWorld(t);
    const jobs = await createJobQueue({
      database: t.testDatabase.database,
      mode: 'worker',
      pollingIntervalSeconds: 0.5,
      onError: () => {},
    });
    running.push(jobs);
    const deps = {
      db,
      clock,
      mailer: createOutboxMailer(db),
      sms: createOutboxSms(db),
      publicUrl: 'https://visit.clinic.example',
    };
    await startMessageNoticeWorker({ ...deps, jobs, log: silentLog });
    const notices = createMessageNotices({
      jobs,
      clock,
      delaySeconds: 0,
      onError: (err) => {
        throw err;
      },
    });
    const messaging = await messagingServiceOf(t, { clock, notices });
    const { created } = await messaging.startThread({
      threadId: randomUUID(),
      clinicId: w.clinic.id,
      patientId: w.people.patientA.id,
      viewer: { userId: w.people.patientA.id, basis: 'self' },
      subject: 'Knee pain after the fall',
      body: 'My knee is swollen since Tuesday.',
      attachmentIds: [],
    });
    const staffWrites = (body: string) =>
      messaging.send({
        threadId: created.thread.id,
        messageId: randomUUID(),
        viewer: { userId: w.people.staff.id, basis: 'clinic-staff' },
        body,
        attachmentIds: [],
      });
    const jobOf = () => {
      const now = clock.now().getTime();
      return messageNoticeJobId(w.people.patientA.id, now - (now % (15 * MINUTE)));
    };
    const completed = async (id: string) =>
      until(async () => (await jobs.stateOf(queues.messageNotice, id)) === 'completed');
    const mails = async () =>
      (await listOutbox(db, { to: w.people.patientA.email })).filter(
        (m) => m.category === 'message-notice',
      );
    return {
      w,
      clock,
      jobs,
      messaging,
      thread: created.thread,
      staffWrites,
      jobOf,
      completed,
      mails,
      deps,
    };
  }

  it('sends one notice for a burst, by the channels the patient chose, with no content', async () => {
    const { w, staffWrites, jobOf, completed, mails, deps, thread } = await world(
      new Date('2026-03-09T15:01:00Z'),
    );
    const phone = newMobileNumber();
    await createNotificationPreferences(deps.db).update(w.people.patientA.id, {
      emailEnabled: true,
      smsEnabled: true,
      smsNumber: phone,
    });
    await staffWrites('Rest it and keep it raised.');
    await staffWrites('Ice for 20 minutes, three times a day.');
    await staffWrites('Call us if it gets warm or red.');
    await completed(jobOf());

    const sent = await mails();
    expect(sent).toHaveLength(1);
    const texts = await listSmsOutbox(deps.db, { to: phone });
    expect(texts).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.subject).toBe('New secure message from Harbor Clinic');
    expect(mail.textBody).toContain('https://visit.clinic.example/patient/messages');
    expect(texts[0]!.body).toContain('https://visit.clinic.example/patient/messages');
    // Nothing of the conversation, nor who wrote it, leaves in an email or a text.
    const wire = [mail.subject, mail.textBody, mail.htmlBody, texts[0]!.body].join('\n');
    for (const secret of ['Rest it', 'Ice for', 'warm or red', 'Knee', 'swollen', 'Test staff']) {
      expect(wire).not.toContain(secret);
    }
    // Staff get no email per message: they work the inbox.
    expect(await listOutbox(deps.db, { to: w.people.staff.email })).toEqual([]);

    // The same job run again (a retry after a crash) sends nothing twice.
    const notifier = createMessageNotifier(deps);
    const again = await notifier.handle({
      recipientUserId: w.people.patientA.id,
      clinicId: w.clinic.id,
      threadId: thread.id,
      windowStart: Date.parse('2026-03-09T15:00:00Z'),
    });
    expect(again).toEqual({ sent: [] });
    expect(await mails()).toHaveLength(1);
  });

  it('keeps a quiet period across windows, and skips a notice the patient no longer needs', async () => {
    const { w, clock, staffWrites, jobOf, completed, mails, deps, messaging, thread, jobs } =
      await world(new Date('2026-03-09T15:14:50Z'));
    await staffWrites('First answer.');
    await completed(jobOf());
    expect(await mails()).toHaveLength(1);

    // 20 s later, a new window: a new job, which the quiet period silences.
    clock.advance(20_000);
    const second = jobOf();
    await staffWrites('Second answer.');
    await completed(second);
    expect(await mails()).toHaveLength(1);

    // Past the quiet period the patient hears again.
    clock.advance(16 * MINUTE);
    await staffWrites('Third answer.');
    await completed(jobOf());
    expect(await mails()).toHaveLength(2);

    // The patient's own message queues nothing.
    clock.advance(16 * MINUTE);
    await messaging.send({
      threadId: thread.id,
      messageId: randomUUID(),
      viewer: { userId: w.people.patientA.id, basis: 'self' },
      body: 'Thanks!',
      attachmentIds: [],
    });
    expect(await jobs.stateOf(queues.messageNotice, jobOf())).toBeUndefined();

    // A patient who read everything before the notice went out gets none.
    const detail = await messaging.thread(
      thread.id,
      { userId: w.people.patientA.id, basis: 'self' },
      { limit: 50 },
    );
    await messaging.markRead(
      thread.id,
      { userId: w.people.patientA.id, basis: 'self' },
      detail.messages.at(-1)!.sequence,
    );
    const outcome = await createMessageNotifier(deps).handle({
      recipientUserId: w.people.patientA.id,
      clinicId: w.clinic.id,
      threadId: thread.id,
      windowStart: clock.now().getTime(),
    });
    expect(outcome).toEqual({ skipped: 'read-meanwhile' });
  });
});
