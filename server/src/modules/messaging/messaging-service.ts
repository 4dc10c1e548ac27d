import { and, eq, lt, sql } from 'drizzle-orm';
import {
  MESSAGING_EMERGENCY_NOTICE,
  type Message,
  type MessageAttachment,
  type MessageThreadCreated,
  type MessageThreadDetail,
  type MessageThreadReadResult,
  type MessageThreadStatus,
  type MessageThreadSummary,
  type MyUnread,
  type MessageSent,
  type PatientDocument,
  type PatientThreadList,
} from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import {
  messageAttachments,
  messageThreadReads,
  messageThreads,
  messages,
} from '../../db/schema/index.js';
import type { MembershipRole, RecordFactsResolver } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import { databaseFault } from '../../platform/database-errors.js';
import { AppError } from '../../platform/errors.js';
import { nameBasedId } from '../../platform/name-based-id.js';
import type { AccessBasis } from '../../platform/record-access.js';
import {
  afterCommitBroadcaster,
  createEventLog,
  type Broadcaster,
  type RealtimeEventInput,
  type StoredEvent,
} from '../../platform/realtime/event-log.js';
import type { DocumentService } from '../documents/document-service.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import {
  messageCreated,
  sideOf,
  threadRead,
  threadUpdated,
  unreadChanged,
} from './message-events.js';
import type { MessageNotices } from './message-notices.js';
import {
  createThreadQueries,
  type MessageRow,
  type ThreadRow,
  type ThreadScope,
} from './thread-queries.js';

export interface MessagingDeps {
  db: AppDatabase;
  clock: Clock;
  directory: PeopleDirectory;
  /** The care module's answer to "does this provider care for this patient" (access.ts). */
  recordFacts: RecordFactsResolver;
  /** The providers on a patient's care team (live updates reach them before they open it). */
  careTeamOf?: (clinicId: string, patientId: string) => Promise<string[]>;
  documents: Pick<DocumentService, 'find' | 'list'>;
  /** Sends committed events to sockets (platform/realtime); none when absent. */
  broadcaster?: Broadcaster | undefined;
  /** "New secure message" notices to patients; none when absent. */
  notices?: Pick<MessageNotices, 'careTeamWrote'> | undefined;
  log?: { error(obj: object, msg: string): void };
}

/** Who acts on a thread, and on what basis the access policy let them. */
export interface ThreadViewer {
  userId: string;
  basis: AccessBasis;
}

/** Who lists threads at a clinic (the inbox), with their roles there. */
export interface ClinicViewer {
  userId: string;
  roles: MembershipRole[];
}

export interface NewThread {
  /** Chosen first: the audit event names it, and a retry (same Idempotency-Key) reuses it. */
  threadId: string;
  clinicId: string;
  patientId: string;
  viewer: ThreadViewer;
  subject: string;
  body: string;
  attachmentIds: string[];
  status?: MessageThreadStatus | undefined;
}

export interface NewMessage {
  threadId: string;
  /** The sending device's id for the message. */
  messageId: string;
  viewer: ThreadViewer;
  body: string;
  attachmentIds: string[];
  status?: MessageThreadStatus | undefined;
}

const PROVIDER_CHECKS_AT_ONCE = 8;

/** The first message of a thread: its id follows from the thread's, so a retry reuses it. */
export const firstMessageIdOf = (threadId: string) =>
  nameBasedId(`message-thread-first:${threadId}`);

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Secure messaging: threads, messages, read markers, the inbox. The access policy decided
 * who reaches the thread before any method runs (routes); methods decide what the caller's
 * side may do (only the care team sets a status). Every change and its realtime events are
 * written in one transaction, then the events are broadcast: an acknowledged message always
 * has its event, and a client that missed the broadcast catches up from the event log.
 */
export function createMessagingService(deps: MessagingDeps) {
  const { db, clock, directory } = deps;
  const queries = createThreadQueries(db);
  const events = createEventLog(db);

  const broadcast = afterCommitBroadcaster(deps.broadcaster, deps.log, 'messaging');

  async function foundThread(threadId: string): Promise<ThreadRow> {
    const thread = await queries.thread(threadId);
    if (!thread) throw new AppError('not-found', 'No thread with this id.');
    return thread;
  }

  function assertMaySetStatus(
    thread: { patientUserId: string },
    viewer: ThreadViewer,
    status?: string,
  ) {
    if (status !== undefined && sideOf(thread, viewer.userId) === 'patient') {
      throw new AppError('validation', 'One or more fields are not valid.', [
        { path: 'body.status', message: "The care team sets a thread's status." },
      ]);
    }
  }

  /**
   * Attachments must be documents in this patient's chart that the sender may open (the
   * documents module decides), and not withdrawn.
   */
  async function checkAttachments(
    clinicId: string,
    patientId: string,
    viewer: ThreadViewer,
    attachmentIds: string[],
  ) {
    for (const [index, documentId] of attachmentIds.entries()) {
      const refuse = (message: string) =>
        new AppError('validation', 'One or more fields are not valid.', [
          { path: `body.attachmentIds.${index}`, message },
        ]);
      let row: Awaited<ReturnType<DocumentService['find']>>;
      try {
        row = await deps.documents.find(clinicId, patientId, documentId, viewer.basis);
      } catch (err) {
        if (err instanceof AppError && err.code === 'not-found') {
          throw refuse("Attach a document from this patient's chart.");
        }
        throw err;
      }
      if (row.retractedAt) throw refuse('This document was withdrawn; attach another.');
    }
  }

  /** Names of people, for views (an unknown id shows as empty). */
  async function namesOf(ids: (string | null)[]) {
    const names = await directory.names(ids.filter((id): id is string => id !== null));
    return (id: string) => ({ id, displayName: names.get(id) ?? '' });
  }

  async function summaries(rows: ThreadRow[], viewerId: string): Promise<MessageThreadSummary[]> {
    if (!rows.length) return [];
    const person = await namesOf(rows.flatMap((r) => [r.patientUserId, r.assignedTo, r.createdBy]));
    const unread = await queries.unreadByThread(
      viewerId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      clinicId: r.organizationId,
      patient: person(r.patientUserId),
      subject: r.subject,
      status: r.status as MessageThreadStatus,
      assignee: r.assignedTo ? person(r.assignedTo) : null,
      createdBy: person(r.createdBy),
      createdAt: r.createdAt.toISOString(),
      lastMessageAt: r.lastMessageAt.toISOString(),
      unread: unread.get(r.id) ?? 0,
    }));
  }

  async function messageViews(
    thread: ThreadRow,
    rows: MessageRow[],
    basis: AccessBasis,
    receipts: Awaited<ReturnType<typeof queries.receipts>>,
  ): Promise<Message[]> {
    if (!rows.length) return [];
    const person = await namesOf(rows.map((r) => r.senderUserId));
    const attached = await queries.attachments(rows.map((r) => r.id));
    // What the viewer may open: the documents module filters by basis (the front desk sees
    // administrative documents only), so a clinical attachment shows as unavailable.
    const reachable = new Map<string, PatientDocument>();
    if ([...attached.values()].some((ids) => ids.length)) {
      const listed = await deps.documents.list(thread.organizationId, thread.patientUserId, basis);
      for (const d of listed.documents) reachable.set(d.id, d);
    }
    return rows.map((r) => {
      const side = sideOf(thread, r.senderUserId);
      const readUpTo =
        (side === 'patient' ? receipts.careTeam : receipts.patient)?.upToSequence ?? 0;
      const attachments: MessageAttachment[] = (attached.get(r.id) ?? []).map((documentId) => {
        const doc = reachable.get(documentId);
        return doc
          ? {
              documentId,
              available: true,
              fileName: doc.fileName,
              mediaType: doc.mediaType,
              sizeBytes: doc.sizeBytes,
              retracted: doc.retracted !== null,
            }
          : {
              documentId,
              available: false,
              fileName: null,
              mediaType: null,
              sizeBytes: null,
              retracted: false,
            };
      });
      return {
        id: r.id,
        threadId: r.threadId,
        sequence: r.sequence,
        body: r.body,
        createdAt: r.createdAt.toISOString(),
        sender: { ...person(r.senderUserId), side },
        attachments,
        readByRecipient: readUpTo >= r.sequence,
      };
    });
  }

  async function oneMessageView(thread: ThreadRow, row: MessageRow, basis: AccessBasis) {
    return (await messageViews(thread, [row], basis, await queries.receipts(thread)))[0]!;
  }

  /** The active staff and admins of a clinic: they all work the shared inbox. */
  async function frontOffice(clinicId: string): Promise<string[]> {
    const [staff, admins] = await Promise.all([
      directory.withRole(clinicId, 'staff'),
      directory.withRole(clinicId, 'admin'),
    ]);
    return [...staff, ...admins].filter((p) => p.status === 'active').map((p) => p.id);
  }

  /** Whether a provider cares for the patient (care team, a visit, or break-glass). */
  async function providerSees(clinicId: string, patientId: string, providerId: string) {
    const facts = await deps.recordFacts(clinicId, patientId, providerId);
    return facts.patientInClinic && (facts.careRelationship || !!facts.breakGlassGrantId);
  }

  async function filterProviders(clinicId: string, patientId: string, providerIds: string[]) {
    const seen: string[] = [];
    for (let i = 0; i < providerIds.length; i += PROVIDER_CHECKS_AT_ONCE) {
      const batch = providerIds.slice(i, i + PROVIDER_CHECKS_AT_ONCE);
      const sees = await Promise.all(batch.map((id) => providerSees(clinicId, patientId, id)));
      seen.push(...batch.filter((_, k) => sees[k]));
    }
    return seen;
  }

  /**
   * Who on the care team gets a live unread update for a patient's message: every staff
   * member and admin, and the providers who may see the thread among those on the patient's
   * care team, assigned to it, or who read or wrote in it before. (A provider linked only by
   * a visit who never opened the thread sees the count on their next badge fetch.)
   */
  async function careTeamRecipients(thread: ThreadRow): Promise<string[]> {
    const everyone = new Set(await frontOffice(thread.organizationId));
    const candidates = new Set([
      ...(await queries.careTeamParticipants(thread)),
      ...(thread.assignedTo ? [thread.assignedTo] : []),
      ...((await deps.careTeamOf?.(thread.organizationId, thread.patientUserId)) ?? []),
    ]);
    const providers = (
      await directory.withRole(thread.organizationId, 'provider', {
        ids: [...candidates].filter((id) => !everyone.has(id)),
      })
    )
      .filter((p) => p.status === 'active')
      .map((p) => p.id);
    for (const id of await filterProviders(
      thread.organizationId,
      thread.patientUserId,
      providers,
    )) {
      everyone.add(id);
    }
    everyone.delete(thread.patientUserId);
    return [...everyone];
  }

  /** The people on the other side of the sender, who get an unread update. */
  async function recipientsOf(thread: ThreadRow, senderId: string): Promise<string[]> {
    const recipients =
      sideOf(thread, senderId) === 'patient'
        ? await careTeamRecipients(thread)
        : [thread.patientUserId];
    return recipients.filter((id) => id !== senderId);
  }

  /** Moves a person's read marker forward (never back), inside the caller's transaction. */
  async function advanceMarker(tx: AppDatabase, threadId: string, userId: string, upTo: number) {
    const [row] = await tx
      .insert(messageThreadReads)
      .values({ threadId, userId, lastReadSequence: upTo, readAt: clock.now() })
      .onConflictDoUpdate({
        target: [messageThreadReads.threadId, messageThreadReads.userId],
        set: { lastReadSequence: upTo, readAt: clock.now() },
        setWhere: lt(messageThreadReads.lastReadSequence, upTo),
      })
      .returning();
    return row !== undefined;
  }

  /**
   * Stores one message in a locked thread, with its attachments, the thread's new state, the
   * sender's read marker and every event, all in the caller's transaction. The thread's row
   * lock serialises senders of one thread, so sequence order is commit order.
   */
  async function storeMessage(
    tx: AppDatabase,
    input: {
      thread: ThreadRow;
      messageId: string;
      senderId: string;
      senderName: string;
      body: string;
      attachmentIds: string[];
      status: MessageThreadStatus;
      recipients: string[];
      isNewThread: boolean;
    },
  ) {
    const now = clock.now();
    const [message] = await tx
      .insert(messages)
      .values({
        id: input.messageId,
        threadId: input.thread.id,
        organizationId: input.thread.organizationId,
        senderUserId: input.senderId,
        body: input.body,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning();
    // The same id already stored (a resend racing its twin): the caller answers the twin.
    if (!message) return undefined;
    if (input.attachmentIds.length) {
      await tx
        .insert(messageAttachments)
        .values(input.attachmentIds.map((documentId) => ({ messageId: message.id, documentId })));
    }
    const before = input.thread;
    const [thread] = await tx
      .update(messageThreads)
      .set({
        status: input.status,
        lastMessageAt: sql`greatest(${messageThreads.lastMessageAt}, ${now.toISOString()}::timestamptz)`,
        updatedAt: now,
      })
      .where(eq(messageThreads.id, before.id))
      .returning();
    // Writing answers what came before: the sender has read up to their own message.
    const advanced = await advanceMarker(tx, thread!.id, input.senderId, message.sequence);

    const pending: RealtimeEventInput[] = [
      messageCreated(thread!, message, { displayName: input.senderName }, input.attachmentIds),
      ...threadUpdated(thread!, !input.isNewThread && before.status !== thread!.status),
    ];
    if (advanced) {
      const side = sideOf(thread!, input.senderId);
      const receipts = await queries.receipts(thread!, tx);
      pending.push(
        threadRead(thread!, side, (side === 'patient' ? receipts.patient : receipts.careTeam)!),
      );
    }
    const people = [input.senderId, ...input.recipients];
    const unread = await queries.unreadInThreadFor(thread!, people, tx);
    for (const userId of people) {
      pending.push(unreadChanged(thread!, userId, unread.get(userId) ?? 0));
    }
    const stored = await events.record(tx, pending);
    return { message, thread: thread!, stored };
  }

  /** After the commit: the events go out, and the patient hears of a care-team message. */
  async function afterCommit(thread: ThreadRow, senderId: string, stored: StoredEvent[]) {
    broadcast(stored);
    if (sideOf(thread, senderId) === 'care-team') {
      await deps.notices?.careTeamWrote({
        recipientUserId: thread.patientUserId,
        clinicId: thread.organizationId,
        threadId: thread.id,
      });
    }
  }

  async function senderName(userId: string) {
    return (await directory.names([userId])).get(userId) ?? '';
  }

  /** Who may see threads at a clinic beyond their own (as a patient). */
  async function scopeOf(clinicId: string, viewer: ClinicViewer): Promise<ThreadScope> {
    if (viewer.roles.includes('staff') || viewer.roles.includes('admin')) {
      return { everyone: true };
    }
    if (!viewer.roles.includes('provider')) return { everyone: false, patientIds: [] };
    const candidates = (await queries.patientsWithThreads(clinicId)).filter(
      (id) => id !== viewer.userId,
    );
    const patientIds: string[] = [];
    for (let i = 0; i < candidates.length; i += PROVIDER_CHECKS_AT_ONCE) {
      const batch = candidates.slice(i, i + PROVIDER_CHECKS_AT_ONCE);
      const sees = await Promise.all(batch.map((p) => providerSees(clinicId, p, viewer.userId)));
      patientIds.push(...batch.filter((_, k) => sees[k]));
    }
    return { everyone: false, patientIds };
  }

  return {
    queries,

    /**
     * Starts a thread with its first message. A retry under the same Idempotency-Key (the
     * same `threadId`) answers the stored thread (`replayed`); a different thread under it
     * is a 409.
     */
    async startThread(
      input: NewThread,
    ): Promise<{ created: MessageThreadCreated; replayed: boolean }> {
      const replay = async () => {
        const thread = (await queries.thread(input.threadId))!;
        const first = await queries.message(firstMessageIdOf(thread.id));
        const attached = first ? ((await queries.attachments([first.id])).get(first.id) ?? []) : [];
        const same =
          thread.organizationId === input.clinicId &&
          thread.patientUserId === input.patientId &&
          thread.createdBy === input.viewer.userId &&
          thread.subject === input.subject &&
          first?.body === input.body &&
          sameSet(attached, input.attachmentIds);
        if (!same) {
          throw new AppError(
            'conflict',
            'This Idempotency-Key was already used for a different conversation.',
          );
        }
        return {
          created: {
            thread: (await summaries([thread], input.viewer.userId))[0]!,
            message: await oneMessageView(thread, first, input.viewer.basis),
            emergencyNotice: MESSAGING_EMERGENCY_NOTICE,
          },
          replayed: true,
        };
      };
      if (await queries.thread(input.threadId)) return replay();
      const draft = { patientUserId: input.patientId };
      assertMaySetStatus(draft, input.viewer, input.status);
      await checkAttachments(input.clinicId, input.patientId, input.viewer, input.attachmentIds);
      const now = clock.now();
      const provisional: ThreadRow = {
        id: input.threadId,
        organizationId: input.clinicId,
        patientUserId: input.patientId,
        subject: input.subject,
        status: 'open',
        assignedTo: null,
        createdBy: input.viewer.userId,
        lastMessageAt: now,
        createdAt: now,
        updatedAt: now,
      };
      const recipients = await recipientsOf(provisional, input.viewer.userId);
      const name = await senderName(input.viewer.userId);
      let outcome: Awaited<ReturnType<typeof storeMessage>>;
      try {
        outcome = await db.transaction(async (tx) => {
          const [thread] = await tx
            .insert(messageThreads)
            .values({ ...provisional, status: input.status ?? 'open' })
            .onConflictDoNothing()
            .returning();
          if (!thread) return undefined;
          return storeMessage(tx, {
            thread,
            messageId: firstMessageIdOf(thread.id),
            senderId: input.viewer.userId,
            senderName: name,
            body: input.body,
            attachmentIds: input.attachmentIds,
            status: thread.status as MessageThreadStatus,
            recipients,
            isNewThread: true,
          });
        });
      } catch (err) {
        // A twin request inserted the same thread first.
        if (databaseFault(err)?.sqlState === '23505' && (await queries.thread(input.threadId))) {
          return replay();
        }
        throw err;
      }
      if (!outcome) return replay();
      await afterCommit(outcome.thread, input.viewer.userId, outcome.stored);
      return {
        created: {
          thread: (await summaries([outcome.thread], input.viewer.userId))[0]!,
          message: await oneMessageView(outcome.thread, outcome.message, input.viewer.basis),
          emergencyNotice: MESSAGING_EMERGENCY_NOTICE,
        },
        replayed: false,
      };
    },

    /**
     * Sends a message. The device's id makes it idempotent: the same id again answers the
     * stored message (`replayed`); another message under it is a 409. A patient's message
     * (re)opens the thread, even a closed one (they need an answer); the care team's keeps
     * the status unless they set one.
     */
    async send(input: NewMessage): Promise<{ sent: MessageSent; replayed: boolean }> {
      const thread = await foundThread(input.threadId);
      const replay = async (existing: MessageRow) => {
        const attached = (await queries.attachments([existing.id])).get(existing.id) ?? [];
        if (
          existing.threadId !== input.threadId ||
          existing.senderUserId !== input.viewer.userId ||
          existing.body !== input.body ||
          !sameSet(attached, input.attachmentIds)
        ) {
          throw new AppError('conflict', 'This message id was already used for another message.');
        }
        const current = (await queries.thread(input.threadId))!;
        return {
          sent: {
            message: await oneMessageView(current, existing, input.viewer.basis),
            thread: (await summaries([current], input.viewer.userId))[0]!,
          },
          replayed: true,
        };
      };
      const earlier = await queries.message(input.messageId);
      if (earlier) return replay(earlier);
      assertMaySetStatus(thread, input.viewer, input.status);
      await checkAttachments(
        thread.organizationId,
        thread.patientUserId,
        input.viewer,
        input.attachmentIds,
      );
      const recipients = await recipientsOf(thread, input.viewer.userId);
      const name = await senderName(input.viewer.userId);
      const patientWrote = sideOf(thread, input.viewer.userId) === 'patient';
      let outcome: Awaited<ReturnType<typeof storeMessage>>;
      try {
        outcome = await db.transaction(async (tx) => {
          const [locked] = await tx
            .select()
            .from(messageThreads)
            .where(eq(messageThreads.id, thread.id))
            .for('update');
          const status: MessageThreadStatus = patientWrote
            ? 'open'
            : (input.status ?? (locked!.status as MessageThreadStatus));
          return storeMessage(tx, {
            thread: locked!,
            messageId: input.messageId,
            senderId: input.viewer.userId,
            senderName: name,
            body: input.body,
            attachmentIds: input.attachmentIds,
            status,
            recipients,
            isNewThread: false,
          });
        });
      } catch (err) {
        if (databaseFault(err)?.sqlState === '23505') {
          const twin = await queries.message(input.messageId);
          if (twin) return replay(twin);
        }
        throw err;
      }
      if (!outcome) return replay((await queries.message(input.messageId))!);
      await afterCommit(outcome.thread, input.viewer.userId, outcome.stored);
      return {
        sent: {
          message: await oneMessageView(outcome.thread, outcome.message, input.viewer.basis),
          thread: (await summaries([outcome.thread], input.viewer.userId))[0]!,
        },
        replayed: false,
      };
    },

    /** A patient's threads at the clinic, newest activity first, with the caller's unread. */
    async patientThreads(
      clinicId: string,
      patientId: string,
      viewerId: string,
      page: { cursor?: string | undefined; limit: number },
    ): Promise<PatientThreadList> {
      const { rows, nextCursor } = await queries.list({ clinicId, patientId, ...page });
      return {
        threads: await summaries(rows, viewerId),
        nextCursor,
        emergencyNotice: MESSAGING_EMERGENCY_NOTICE,
      };
    },

    /** The care team's inbox: the threads the viewer may see at the clinic. */
    async inbox(
      clinicId: string,
      viewer: ClinicViewer,
      query: {
        status?: MessageThreadStatus | undefined;
        assigned: 'me' | 'unassigned' | 'anyone';
        cursor?: string | undefined;
        limit: number;
      },
    ) {
      const scope = await scopeOf(clinicId, viewer);
      const { rows, nextCursor } = await queries.list({
        clinicId,
        scope,
        status: query.status,
        assignedTo:
          query.assigned === 'me'
            ? { userId: viewer.userId }
            : query.assigned === 'unassigned'
              ? 'unassigned'
              : undefined,
        cursor: query.cursor,
        limit: query.limit,
      });
      return { threads: await summaries(rows, viewer.userId), nextCursor };
    },

    /** A thread with a page of its messages, their attachments and read receipts. */
    async thread(
      threadId: string,
      viewer: ThreadViewer,
      range: { after?: number | undefined; before?: number | undefined; limit: number },
    ): Promise<MessageThreadDetail> {
      const thread = await foundThread(threadId);
      const page = await queries.page(thread.id, {
        limit: range.limit,
        ...(range.after !== undefined ? { after: range.after } : {}),
        ...(range.before !== undefined ? { before: range.before } : {}),
      });
      const receipts = await queries.receipts(thread);
      const iso = (r: typeof receipts.patient) =>
        r ? { upToSequence: r.upToSequence, at: r.at.toISOString() } : null;
      return {
        thread: (await summaries([thread], viewer.userId))[0]!,
        messages: await messageViews(thread, page.rows, viewer.basis, receipts),
        hasOlder: page.hasOlder,
        hasNewer: page.hasNewer,
        viewerSide: sideOf(thread, viewer.userId),
        viewerReadUpTo: await queries.marker(thread.id, viewer.userId),
        receipts: { patient: iso(receipts.patient), careTeam: iso(receipts.careTeam) },
        emergencyNotice: MESSAGING_EMERGENCY_NOTICE,
      };
    },

    /**
     * Marks the thread read up to a sequence (capped at its newest message). Markers only
     * move forward: an older value (a slow device) changes nothing and sends no event.
     */
    async markRead(
      threadId: string,
      viewer: ThreadViewer,
      upToSequence: number,
    ): Promise<MessageThreadReadResult> {
      const thread = await foundThread(threadId);
      const target = Math.min(upToSequence, await queries.lastSequence(thread.id));
      const side = sideOf(thread, viewer.userId);
      const stored =
        target <= 0
          ? []
          : await db.transaction(async (tx) => {
              if (!(await advanceMarker(tx, thread.id, viewer.userId, target))) return [];
              const unread = await queries.unreadByThread(viewer.userId, [thread.id], tx);
              const receipts = await queries.receipts(thread, tx);
              const receipt = side === 'patient' ? receipts.patient : receipts.careTeam;
              return events.record(tx, [
                unreadChanged(thread, viewer.userId, unread.get(thread.id) ?? 0),
                threadRead(thread, side, receipt!),
              ]);
            });
      broadcast(stored);
      const unread = await queries.unreadByThread(viewer.userId, [thread.id]);
      return {
        threadId: thread.id,
        upToSequence: await queries.marker(thread.id, viewer.userId),
        unread: unread.get(thread.id) ?? 0,
      };
    },

    /**
     * The care team changes a thread's status or assignee. An assignee is a staff member,
     * admin or provider of the clinic; a provider only when they care for the patient (they
     * could not open the thread otherwise).
     */
    async update(
      threadId: string,
      viewer: ThreadViewer,
      change: { status?: MessageThreadStatus | undefined; assignedTo?: string | null | undefined },
    ): Promise<MessageThreadSummary> {
      const thread = await foundThread(threadId);
      if (change.assignedTo) await assertMayBeAssigned(thread, change.assignedTo);
      const stored = await db.transaction(async (tx) => {
        const [locked] = await tx
          .select()
          .from(messageThreads)
          .where(eq(messageThreads.id, thread.id))
          .for('update');
        const status = change.status ?? locked!.status;
        const assignedTo = change.assignedTo === undefined ? locked!.assignedTo : change.assignedTo;
        if (status === locked!.status && assignedTo === locked!.assignedTo) return [];
        const [updated] = await tx
          .update(messageThreads)
          .set({ status, assignedTo, updatedAt: clock.now() })
          .where(and(eq(messageThreads.id, thread.id)))
          .returning();
        return events.record(tx, threadUpdated(updated!, true));
      });
      broadcast(stored);
      return (await summaries([await foundThread(threadId)], viewer.userId))[0]!;
    },

    /** The caller's unread messages per clinic where they hold a role (the badge). */
    async myUnread(
      userId: string,
      memberships: { organizationId: string; role: MembershipRole }[],
    ): Promise<MyUnread> {
      const roles = new Map<string, MembershipRole[]>();
      for (const m of memberships) {
        roles.set(m.organizationId, [...(roles.get(m.organizationId) ?? []), m.role]);
      }
      const clinics: MyUnread['clinics'] = [];
      for (const [clinicId, held] of roles) {
        const scope = await scopeOf(clinicId, { userId, roles: held });
        clinics.push({ clinicId, unread: await queries.unreadTotal(clinicId, userId, scope) });
      }
      return { clinics, total: clinics.reduce((sum, c) => sum + c.unread, 0) };
    },

    /** Who may see threads at a clinic beyond their own (room access uses it too). */
    scopeOf,
  };

  async function assertMayBeAssigned(thread: ThreadRow, userId: string) {
    const refuse = (message: string) =>
      new AppError('validation', 'One or more fields are not valid.', [
        { path: 'body.assignedTo', message },
      ]);
    const holds = async (role: MembershipRole) =>
      (await directory.withRole(thread.organizationId, role, { ids: [userId] })).some(
        (p) => p.status === 'active',
      );
    if ((await holds('staff')) || (await holds('admin'))) return;
    if (!(await holds('provider'))) {
      throw refuse('Assign a staff member, admin or provider of this clinic.');
    }
    const facts = await deps.recordFacts(thread.organizationId, thread.patientUserId, userId);
    if (!facts.careRelationship) {
      throw refuse(
        'This provider does not care for this patient; add them to the care team first.',
      );
    }
  }
}

export type MessagingService = ReturnType<typeof createMessagingService>;
