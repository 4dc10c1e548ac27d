import { and, asc, gt, inArray, sql } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { realtimeEvents } from '../../db/schema/index.js';

/**
 * Rooms a socket can be in: a person's own (`user:<id>`: unread counts, their threads), a
 * message thread (`thread:<id>`), a clinic's shared inbox (`clinic-inbox:<clinic id>`), a
 * video visit (`visit:<id>`: waiting room and signaling, issue 8).
 */
export type Room =
  `user:${string}` | `thread:${string}` | `clinic-inbox:${string}` | `visit:${string}`;

export interface RealtimeEventInput {
  organizationId: string;
  room: Room;
  /** e.g. `message.created`, `thread.updated`, `thread.read`, `unread.changed` */
  type: string;
  /** What the client needs to show the change (ids and the record's public fields). */
  payload: Record<string, unknown>;
}

export interface StoredEvent extends RealtimeEventInput {
  /** Increasing across the whole log: what a client resumes from. */
  id: number;
  createdAt: Date;
}

// Arbitrary but fixed (the migration lock is 7_413_620_011).
const EVENT_ORDER_LOCK = 7_413_620_012;

/** Sends stored events to the sockets in their rooms (all instances). */
export interface Broadcaster {
  broadcast(events: StoredEvent[]): void;
}

/**
 * A service's broadcaster after its commit: a failure is logged, never thrown (the change is
 * committed already, and clients that missed it resume from the log).
 */
export function afterCommitBroadcaster(
  broadcaster: Broadcaster | undefined,
  log: { error(obj: object, msg: string): void } | undefined,
  what: string,
) {
  return (stored: StoredEvent[]) => {
    if (!stored.length || !broadcaster) return;
    try {
      broadcaster.broadcast(stored);
    } catch (err) {
      log?.error({ err }, `broadcasting ${what} events failed`);
    }
  };
}

/**
 * The durable half of realtime: events are rows written in the same transaction as the
 * change they report, so an acknowledged change always has its event. After the commit the
 * caller broadcasts them; a client that missed some (a dropped connection, a dead
 * instance) asks for everything after the last id it saw.
 */
export function createEventLog(db: AppDatabase) {
  return {
    /** Writes events inside the caller's transaction; answers them with their ids. */
    async record(tx: AppDatabase, events: RealtimeEventInput[]): Promise<StoredEvent[]> {
      if (!events.length) return [];
      // Ids come from a sequence, taken at INSERT; transactions can commit out of that
      // order, and a client resuming "after N" would then skip an id that became visible
      // later. Holding one lock from here to commit makes commit order follow id order.
      // The cost is that event-writing transactions commit one at a time (writes are a
      // few milliseconds; bench/ measures message throughput with it).
      await tx.execute(sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`);
      const rows = await tx.insert(realtimeEvents).values(events).returning();
      return rows.map((r) => ({
        id: r.id,
        organizationId: r.organizationId,
        room: r.room as Room,
        type: r.type,
        payload: r.payload as Record<string, unknown>,
        createdAt: r.createdAt,
      }));
    },

    /** Events in `rooms` after `afterId`, oldest first, at most `limit`. */
    async since(rooms: Room[], afterId: number, limit = 500): Promise<StoredEvent[]> {
      if (!rooms.length) return [];
      const rows = await db
        .select()
        .from(realtimeEvents)
        .where(and(inArray(realtimeEvents.room, rooms), gt(realtimeEvents.id, afterId)))
        .orderBy(asc(realtimeEvents.id))
        .limit(limit);
      return rows.map((r) => ({
        id: r.id,
        organizationId: r.organizationId,
        room: r.room as Room,
        type: r.type,
        payload: r.payload as Record<string, unknown>,
        createdAt: r.createdAt,
      }));
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
