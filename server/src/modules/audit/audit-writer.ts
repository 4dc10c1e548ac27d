import { eq } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import type { Clock } from '../../platform/clock.js';
import { withTimeout } from '../../platform/with-timeout.js';
import {
  canonicalContent,
  chainHash,
  type AuditEventInput,
  type ChainedAuditEvent,
} from './audit-event.js';
import { auditChainHead, auditEvents } from './audit-tables.js';

// One INSERT carries at most this many events (16 parameters each, far below PostgreSQL's
// 65,535-parameter limit).
const MAX_BATCH = 500;

export interface AuditWriterOptions {
  /** A write that takes longer fails its requests (503) rather than hanging them. */
  timeoutMs?: number;
  /** Told about every flushed batch size (metrics). */
  onFlush?: (events: number) => void;
  /** Told about every batch that failed (metrics). */
  onError?: () => void;
}

interface Pending {
  events: AuditEventInput[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the audit trail. Requests hand their events to `record` and wait; while
 * one batch is being written, new events queue up and go out together in the next, in one
 * transaction and one INSERT. A request's promise resolves only once its events are
 * committed, so no response goes out before its audit record is durable.
 *
 * Each batch locks the chain head row, so instances sharing a database extend one chain in
 * one order: entry n's hash covers entry n-1's hash and entry n's canonical content.
 */
export function createAuditWriter(db: AppDatabase, clock: Clock, options: AuditWriterOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let queue: Pending[] = [];
  let flushing: Promise<void> | undefined;

  async function writeBatch(batch: AuditEventInput[]) {
    await db.transaction(async (tx) => {
      const [head] = await tx
        .select()
        .from(auditChainHead)
        .where(eq(auditChainHead.id, 1))
        .for('update');
      if (!head) throw new Error('audit chain head is missing');
      const recordedAt = clock.now();
      let { seq, hash } = head;
      const rows: ChainedAuditEvent[] = batch.map((event) => {
        seq += 1;
        const entry = { ...event, seq, recordedAt };
        const prevHash = hash;
        hash = chainHash(prevHash, canonicalContent(entry));
        return { ...entry, prevHash, hash };
      });
      await tx.insert(auditEvents).values(rows);
      await tx.update(auditChainHead).set({ seq, hash }).where(eq(auditChainHead.id, 1));
    });
  }

  function kick() {
    if (flushing) return;
    flushing = drain().finally(() => {
      flushing = undefined;
      // Events queued after the loop's last look but before this ran still need a writer.
      if (queue.length) kick();
    });
  }

  async function drain() {
    while (queue.length) {
      const taken: Pending[] = [];
      let count = 0;
      while (queue.length && count + queue[0]!.events.length <= MAX_BATCH) {
        const next = queue.shift()!;
        taken.push(next);
        count += next.events.length;
      }
      // A single request with more than MAX_BATCH events goes out alone.
      if (!taken.length) taken.push(queue.shift()!);
      const events = taken.flatMap((p) => p.events);
      try {
        await withTimeout(writeBatch(events), timeoutMs);
        options.onFlush?.(events.length);
        for (const p of taken) p.resolve();
      } catch (error) {
        options.onError?.();
        for (const p of taken) p.reject(error);
      }
    }
  }

  return {
    /** Resolves once every event is committed to the chain; rejects if it could not be. */
    record(events: AuditEventInput[]): Promise<void> {
      if (!events.length) return Promise.resolve();
      const done = new Promise<void>((resolve, reject) => {
        queue.push({ events, resolve, reject });
      });
      kick();
      return done;
    },

    /** Waits for queued events (shutdown). */
    async flush() {
      while (flushing) await flushing;
    },

    /** Drops anything queued (tests that tear down a broken store). */
    reset() {
      const dropped = queue;
      queue = [];
      for (const p of dropped) p.reject(new Error('audit writer reset'));
    },

    /** The current head: what an anchor records. */
    async head() {
      const [row] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
      return row!;
    },
  };
}

export type AuditWriter = ReturnType<typeof createAuditWriter>;
