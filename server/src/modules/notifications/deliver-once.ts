import { and, eq, ne } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { notificationDeliveries } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';

/** One notice on one channel, under the key that makes sending it twice impossible. */
export interface Delivery {
  /** `<kind>:<subject>:<channel>`, unique across all notices. */
  dedupeKey: string;
  recipientUserId: string;
  kind: string;
  channel: 'email' | 'sms';
  /** The record the notice is about (an appointment, a message thread). */
  subjectId: string;
}

/**
 * Sends a notice on one channel at most once, whatever runs it twice (a job retried after a
 * crash, a duplicate from a repair pass). The delivery row is claimed first (`sending`);
 * one that was `sent` is final, one that `failed` or died mid-send may be tried again.
 * Answers whether this call sent it; a failed send is recorded (its transport code only,
 * never an address or content) and rethrown so the job is retried.
 */
export function createDeliverOnce(db: AppDatabase, clock: Clock) {
  async function claim(delivery: Delivery) {
    const [inserted] = await db
      .insert(notificationDeliveries)
      .values({
        dedupeKey: delivery.dedupeKey,
        recipientUserId: delivery.recipientUserId,
        kind: delivery.kind,
        channel: delivery.channel,
        subjectId: delivery.subjectId,
        status: 'sending',
      })
      .onConflictDoNothing()
      .returning({ id: notificationDeliveries.id });
    if (inserted) return true;
    // An earlier attempt failed or died mid-send: try again; one that was sent is final.
    const [retry] = await db
      .update(notificationDeliveries)
      .set({ status: 'sending' })
      .where(
        and(
          eq(notificationDeliveries.dedupeKey, delivery.dedupeKey),
          ne(notificationDeliveries.status, 'sent'),
        ),
      )
      .returning({ id: notificationDeliveries.id });
    return retry !== undefined;
  }

  return async function deliverOnce(
    delivery: Delivery,
    send: () => Promise<void>,
  ): Promise<boolean> {
    if (!(await claim(delivery))) return false;
    const key = eq(notificationDeliveries.dedupeKey, delivery.dedupeKey);
    try {
      await send();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      await db
        .update(notificationDeliveries)
        .set({ status: 'failed', errorCode: typeof code === 'string' ? code : 'error' })
        .where(key);
      throw err;
    }
    await db
      .update(notificationDeliveries)
      .set({ status: 'sent', sentAt: clock.now(), errorCode: null })
      .where(key);
    return true;
  };
}

export type DeliverOnce = ReturnType<typeof createDeliverOnce>;
