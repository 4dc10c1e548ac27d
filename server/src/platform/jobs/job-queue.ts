import PgBoss from 'pg-boss';
import type { Database } from '../../db/client.js';

/**
 * The queues migration 0010 creates (partitions are DDL, which the app role may not run).
 * A new queue means a new migration calling `jobs.create_queue`.
 */
export const queues = {
  /** Confirmations, reminders and cancellations of appointments (modules/notifications). */
  appointmentNotice: 'appointment-notice',
  /** The periodic repair pass that re-creates reminders a crash may have missed. */
  appointmentNoticeSweep: 'appointment-notice-sweep',
  /** "You have a new secure message", one per recipient per quiet period (migration 0011). */
  messageNotice: 'message-notice',
} as const;
export type QueueName = (typeof queues)[keyof typeof queues];

export interface Job<T> {
  id: string;
  data: T;
}

export interface JobQueue {
  /**
   * Queues a job under a caller-chosen id: sending the same id again is a no-op (answers
   * false), which is what makes a retried booking or a repair pass harmless.
   */
  send<T extends object>(
    queue: QueueName,
    data: T,
    options: { id: string; startAfterSeconds?: number },
  ): Promise<boolean>;
  /** Cancels jobs that have not run yet; unknown or finished ids are ignored. */
  cancel(queue: QueueName, ids: string[]): Promise<void>;
  /** Runs `handler` for each due job; a throw retries the job with backoff (queue policy). */
  work<T>(queue: QueueName, handler: (job: Job<T>) => Promise<void>): Promise<void>;
  /** A cron-driven job (worker role only); every worker may call it, one job runs per tick. */
  every(queue: QueueName, cron: string): Promise<void>;
  /** The job's state (created, retry, active, completed, cancelled, failed), for tests and ops. */
  stateOf(queue: QueueName, id: string): Promise<string | undefined>;
  /** Stops polling and waits (up to `timeoutMs`) for running handlers. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface JobQueueOptions {
  database: Pick<Database, 'executeSql'>;
  /**
   * `producer` (the api role) only sends and cancels; `worker` also runs handlers, cron
   * and pg-boss's maintenance (archiving, expiring stuck jobs).
   */
  mode: 'producer' | 'worker';
  /** How often an idle worker looks for due jobs; pg-boss's minimum is 0.5 s. */
  pollingIntervalSeconds?: number;
  /** Errors pg-boss reports in the background (a lost connection); log them, do not crash. */
  onError: (err: Error) => void;
}

/**
 * pg-boss on the app's own database handle (PostgreSQL pool or embedded PGlite), so the
 * queue needs no extra infrastructure and no extra connection settings. The schema is
 * ours (migration 0010): pg-boss only checks its version at start (`migrate: false`).
 */
export async function createJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const worker = options.mode === 'worker';
  const polling = options.pollingIntervalSeconds ?? 2;
  const boss = new PgBoss({
    db: { executeSql: (text, values) => options.database.executeSql(text, values) },
    schema: 'jobs',
    migrate: false,
    supervise: worker,
    schedule: worker,
  });
  boss.on('error', options.onError);
  await boss.start();
  let stopped = false;

  return {
    async send(queue, data, { id, startAfterSeconds }) {
      const sent = await boss.send(queue, data, {
        id,
        ...(startAfterSeconds && startAfterSeconds > 0
          ? { startAfter: Math.ceil(startAfterSeconds) }
          : {}),
      });
      return sent !== null;
    },
    async cancel(queue, ids) {
      if (ids.length) await boss.cancel(queue, ids);
    },
    async work<T>(queue: QueueName, handler: (job: Job<T>) => Promise<void>) {
      if (!worker) throw new Error('a producer job queue does not run handlers');
      // One job per fetch: a failure retries only that job.
      await boss.work<T>(queue, { batchSize: 1, pollingIntervalSeconds: polling }, async (jobs) => {
        for (const job of jobs) await handler({ id: job.id, data: job.data });
      });
    },
    async every(queue, cron) {
      if (!worker) throw new Error('a producer job queue does not schedule');
      await boss.schedule(queue, cron, {}, { tz: 'UTC' });
    },
    async stateOf(queue, id) {
      const job = await boss.getJobById(queue, id, { includeArchive: true });
      return job?.state;
    },
    async stop(timeoutMs = 10_000) {
      if (stopped) return;
      stopped = true;
      // wait: resolves once running handlers finished (or the timeout failed them).
      await boss.stop({ graceful: true, timeout: timeoutMs, close: false, wait: true });
    },
  };
}
