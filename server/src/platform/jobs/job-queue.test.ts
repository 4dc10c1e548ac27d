import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { createJobQueue, queues, type JobQueue } from './job-queue.js';

/** Resolves once `check` answers true; bounded so a broken queue fails instead of hanging. */
async function until(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('job queue (pg-boss on the app database)', () => {
  let d: TestDatabase;
  let worker: JobQueue;
  const errors: Error[] = [];
  beforeAll(async () => {
    d = await createTestDatabase();
    worker = await createJobQueue({
      database: d.database,
      mode: 'worker',
      pollingIntervalSeconds: 0.5,
      onError: (err) => errors.push(err),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await d.drop();
  });

  it('runs a job once, and sending the same id again is a no-op', async () => {
    const seen: string[] = [];
    const id = randomUUID();
    await worker.work<{ n: number }>(queues.appointmentNoticeSweep, async (job) => {
      seen.push(`${job.id}:${job.data.n}`);
    });
    expect(await worker.send(queues.appointmentNoticeSweep, { n: 1 }, { id })).toBe(true);
    expect(await worker.send(queues.appointmentNoticeSweep, { n: 2 }, { id })).toBe(false);
    await until(
      async () => (await worker.stateOf(queues.appointmentNoticeSweep, id)) === 'completed',
    );
    expect(seen).toEqual([`${id}:1`]);
    expect(errors).toEqual([]);
  });

  it('a producer sends and cancels; a cancelled job never runs', async () => {
    const producer = await createJobQueue({
      database: d.database,
      mode: 'producer',
      onError: (err) => errors.push(err),
    });
    try {
      const id = randomUUID();
      await producer.send(
        queues.appointmentNotice,
        { later: true },
        { id, startAfterSeconds: 3600 },
      );
      expect(await producer.stateOf(queues.appointmentNotice, id)).toBe('created');
      await producer.cancel(queues.appointmentNotice, [id]);
      expect(await producer.stateOf(queues.appointmentNotice, id)).toBe('cancelled');
      await expect(producer.work(queues.appointmentNotice, async () => {})).rejects.toThrow();
    } finally {
      await producer.stop();
    }
  });
});
