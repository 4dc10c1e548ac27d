import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { MessageThreadStatus } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import {
  messageAttachments,
  messageThreadReads,
  messageThreads,
  messages,
} from '../../db/schema/index.js';
import { AppError } from '../../platform/errors.js';

export type ThreadRow = typeof messageThreads.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

/**
 * Which threads a viewer sees beyond their own (as a patient): all of the clinic's (staff,
 * admins), those of the patients they care for (providers), or none (patients).
 */
export type ThreadScope = { everyone: true } | { everyone: false; patientIds: string[] };

/**
 * The access policy's record locator for `message-thread`: whose thread it is, when it is
 * at this clinic (platform/access.ts resolves `/threads/:threadId` routes with it).
 */
export function threadOwner(db: AppDatabase) {
  return async (clinicId: string, threadId: string): Promise<string | undefined> => {
    const [row] = await db
      .select({ patientId: messageThreads.patientUserId })
      .from(messageThreads)
      .where(and(eq(messageThreads.id, threadId), eq(messageThreads.organizationId, clinicId)));
    return row?.patientId;
  };
}

/**
 * Messages from the other side than the viewer's: the care team's for the patient, the
 * patient's for everyone else. Unread counts and receipts are per side, so a colleague's
 * reply is not "unread" for the rest of the care team.
 */
const fromOtherSide = (viewerId: string) =>
  sql`((${messageThreads.patientUserId} = ${viewerId}) <> (${messages.senderUserId} = ${messageThreads.patientUserId}))`;

const unreadBy = (viewerId: string) =>
  and(
    gt(messages.sequence, sql`coalesce(${messageThreadReads.lastReadSequence}, 0)`),
    fromOtherSide(viewerId),
  );

/** Where a page of threads (newest activity first) resumes: opaque to clients. */
export function encodeCursor(row: Pick<ThreadRow, 'lastMessageAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.lastMessageAt.toISOString(), row.id])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'string' &&
      !Number.isNaN(Date.parse(at)) &&
      typeof id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(id)
    ) {
      return { at: new Date(at).toISOString(), id };
    }
  } catch {
    // falls through to the validation error
  }
  throw new AppError('validation', 'One or more fields are not valid.', [
    { path: 'querystring.cursor', message: 'Use the nextCursor of the previous page.' },
  ]);
}

export interface ThreadListFilter {
  clinicId: string;
  /** Only this patient's threads. */
  patientId?: string;
  /** Beyond `patientId`: the viewer's scope (inbox). */
  scope?: ThreadScope;
  status?: MessageThreadStatus | undefined;
  /** `me` (this user), `unassigned`, or anyone. */
  assignedTo?: { userId: string } | 'unassigned' | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Reads of the messaging tables (this module owns them). */
export function createThreadQueries(db: AppDatabase) {
  return {
    async thread(threadId: string): Promise<ThreadRow | undefined> {
      const [row] = await db.select().from(messageThreads).where(eq(messageThreads.id, threadId));
      return row;
    },

    async message(messageId: string): Promise<MessageRow | undefined> {
      const [row] = await db.select().from(messages).where(eq(messages.id, messageId));
      return row;
    },

    /** Attachment document ids per message, in the order they were attached. */
    async attachments(messageIds: string[]): Promise<Map<string, string[]>> {
      const byMessage = new Map<string, string[]>();
      if (!messageIds.length) return byMessage;
      const rows = await db
        .select()
        .from(messageAttachments)
        .where(inArray(messageAttachments.messageId, messageIds));
      for (const r of rows) {
        byMessage.set(r.messageId, [...(byMessage.get(r.messageId) ?? []), r.documentId]);
      }
      return byMessage;
    },

    /**
     * A page of a thread's messages, oldest first, and whether more precede or follow it.
     * Sequences come from one database sequence, so they increase but skip numbers.
     */
    async page(threadId: string, range: { after?: number; before?: number; limit: number }) {
      const inThread = eq(messages.threadId, threadId);
      let rows: MessageRow[];
      if (range.after !== undefined) {
        rows = await db
          .select()
          .from(messages)
          .where(and(inThread, gt(messages.sequence, range.after)))
          .orderBy(asc(messages.sequence))
          .limit(range.limit + 1);
        const hasNewer = rows.length > range.limit;
        rows = rows.slice(0, range.limit);
        const first = rows[0]?.sequence ?? range.after + 1;
        return { rows, hasNewer, hasOlder: await exists(inThread, lt(messages.sequence, first)) };
      }
      rows = await db
        .select()
        .from(messages)
        .where(
          and(
            inThread,
            range.before !== undefined ? lt(messages.sequence, range.before) : undefined,
          ),
        )
        .orderBy(desc(messages.sequence))
        .limit(range.limit + 1);
      const hasOlder = rows.length > range.limit;
      rows = rows.slice(0, range.limit).reverse();
      const hasNewer =
        range.before !== undefined &&
        (await exists(inThread, gt(messages.sequence, rows.at(-1)?.sequence ?? range.before - 1)));
      return { rows, hasOlder, hasNewer };
    },

    /** The newest sequence in a thread (0 when empty). */
    async lastSequence(threadId: string, tx: AppDatabase = db): Promise<number> {
      const [row] = await tx
        .select({ last: sql<number | null>`max(${messages.sequence})` })
        .from(messages)
        .where(eq(messages.threadId, threadId));
      return Number(row?.last ?? 0);
    },

    /** Unread messages per thread for a viewer (threads without any are left out). */
    async unreadByThread(
      viewerId: string,
      threadIds: string[],
      tx: AppDatabase = db,
    ): Promise<Map<string, number>> {
      if (!threadIds.length) return new Map();
      const rows = await tx
        .select({ threadId: messages.threadId, unread: sql<number>`count(*)::int` })
        .from(messages)
        .innerJoin(messageThreads, eq(messageThreads.id, messages.threadId))
        .leftJoin(
          messageThreadReads,
          and(
            eq(messageThreadReads.threadId, messages.threadId),
            eq(messageThreadReads.userId, viewerId),
          ),
        )
        .where(and(inArray(messages.threadId, threadIds), unreadBy(viewerId)))
        .groupBy(messages.threadId);
      return new Map(rows.map((r) => [r.threadId, Number(r.unread)]));
    },

    /**
     * Each person's unread count in one thread, in one statement: a send reports the new
     * counts of the whole care team, and a query per person made its cost grow with the
     * clinic's size.
     */
    async unreadInThreadFor(
      thread: Pick<ThreadRow, 'id' | 'patientUserId'>,
      userIds: string[],
      tx: AppDatabase = db,
    ): Promise<Map<string, number>> {
      if (!userIds.length) return new Map();
      // Both drivers return `{ rows }`; the shared handle type cannot say so.
      const result: unknown = await tx.execute(sql`
        select people.user_id, count(${messages.id})::int as unread
        from unnest(${`{${userIds.join(',')}}`}::uuid[]) as people(user_id)
        left join ${messageThreadReads}
          on ${messageThreadReads.threadId} = ${thread.id}
          and ${messageThreadReads.userId} = people.user_id
        left join ${messages}
          on ${messages.threadId} = ${thread.id}
          and ${messages.sequence} > coalesce(${messageThreadReads.lastReadSequence}, 0)
          and ((people.user_id = ${thread.patientUserId}) <> (${messages.senderUserId} = ${thread.patientUserId}))
        group by people.user_id`);
      const { rows } = result as { rows: { user_id: string; unread: number }[] };
      return new Map(rows.map((r) => [r.user_id, Number(r.unread)]));
    },

    /** A viewer's unread messages in all the threads they see at a clinic. */
    async unreadTotal(clinicId: string, viewerId: string, scope: ThreadScope): Promise<number> {
      const visible = scope.everyone
        ? undefined
        : or(
            eq(messageThreads.patientUserId, viewerId),
            scope.patientIds.length
              ? inArray(messageThreads.patientUserId, scope.patientIds)
              : undefined,
          );
      const [row] = await db
        .select({ unread: sql<number>`count(*)::int` })
        .from(messages)
        .innerJoin(messageThreads, eq(messageThreads.id, messages.threadId))
        .leftJoin(
          messageThreadReads,
          and(
            eq(messageThreadReads.threadId, messages.threadId),
            eq(messageThreadReads.userId, viewerId),
          ),
        )
        .where(and(eq(messageThreads.organizationId, clinicId), visible, unreadBy(viewerId)));
      return Number(row?.unread ?? 0);
    },

    /** One person's read marker in a thread (0: nothing read). */
    async marker(threadId: string, userId: string): Promise<number> {
      const [row] = await db
        .select({ last: messageThreadReads.lastReadSequence })
        .from(messageThreadReads)
        .where(
          and(eq(messageThreadReads.threadId, threadId), eq(messageThreadReads.userId, userId)),
        );
      return row?.last ?? 0;
    },

    /**
     * How far each side has read: the patient's marker, and the furthest marker of anyone on
     * the care team (the one who read furthest, with when they read it).
     */
    async receipts(thread: Pick<ThreadRow, 'id' | 'patientUserId'>, tx: AppDatabase = db) {
      const rows = await tx
        .select()
        .from(messageThreadReads)
        .where(eq(messageThreadReads.threadId, thread.id));
      const patient = rows.find((r) => r.userId === thread.patientUserId);
      const careTeam = rows
        .filter((r) => r.userId !== thread.patientUserId)
        .sort((a, b) => b.lastReadSequence - a.lastReadSequence)[0];
      const receipt = (r: typeof patient) =>
        r && r.lastReadSequence > 0 ? { upToSequence: r.lastReadSequence, at: r.readAt } : null;
      return { patient: receipt(patient), careTeam: receipt(careTeam) };
    },

    /** Everyone but the patient who ever read or wrote in the thread (care-team members). */
    async careTeamParticipants(thread: Pick<ThreadRow, 'id' | 'patientUserId'>, tx = db) {
      const readers = await tx
        .select({ userId: messageThreadReads.userId })
        .from(messageThreadReads)
        .where(
          and(
            eq(messageThreadReads.threadId, thread.id),
            ne(messageThreadReads.userId, thread.patientUserId),
          ),
        );
      const writers = await tx
        .selectDistinct({ userId: messages.senderUserId })
        .from(messages)
        .where(
          and(eq(messages.threadId, thread.id), ne(messages.senderUserId, thread.patientUserId)),
        );
      return [...new Set([...readers, ...writers].map((r) => r.userId))];
    },

    /** Patients with at least one thread at the clinic (to scope a provider's inbox). */
    async patientsWithThreads(clinicId: string): Promise<string[]> {
      const rows = await db
        .selectDistinct({ patientId: messageThreads.patientUserId })
        .from(messageThreads)
        .where(eq(messageThreads.organizationId, clinicId));
      return rows.map((r) => r.patientId);
    },

    /** A page of threads, newest activity first (keyset: last message time, then id). */
    async list(
      filter: ThreadListFilter,
    ): Promise<{ rows: ThreadRow[]; nextCursor: string | null }> {
      const conditions: (SQL | undefined)[] = [eq(messageThreads.organizationId, filter.clinicId)];
      if (filter.patientId) conditions.push(eq(messageThreads.patientUserId, filter.patientId));
      if (filter.scope && !filter.scope.everyone) {
        if (!filter.scope.patientIds.length) return { rows: [], nextCursor: null };
        conditions.push(inArray(messageThreads.patientUserId, filter.scope.patientIds));
      }
      if (filter.status) conditions.push(eq(messageThreads.status, filter.status));
      if (filter.assignedTo === 'unassigned') conditions.push(isNull(messageThreads.assignedTo));
      else if (filter.assignedTo) {
        conditions.push(eq(messageThreads.assignedTo, filter.assignedTo.userId));
      }
      if (filter.cursor) {
        const { at, id } = decodeCursor(filter.cursor);
        conditions.push(
          sql`(${messageThreads.lastMessageAt}, ${messageThreads.id}) < (${at}::timestamptz, ${id}::uuid)`,
        );
      }
      const rows = await db
        .select()
        .from(messageThreads)
        .where(and(...conditions))
        .orderBy(desc(messageThreads.lastMessageAt), desc(messageThreads.id))
        .limit(filter.limit + 1);
      const more = rows.length > filter.limit;
      const page = rows.slice(0, filter.limit);
      return { rows: page, nextCursor: more ? encodeCursor(page.at(-1)!) : null };
    },
  };

  async function exists(...conditions: SQL[]) {
    const [row] = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(...conditions))
      .limit(1);
    return row !== undefined;
  }
}

export type ThreadQueries = ReturnType<typeof createThreadQueries>;
