import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { id, timestamps, utcTimestamp } from './columns.js';
import { documents } from './documents.js';
import { clinic, person } from './reference-columns.js';
import { users } from './users.js';

/*
 * Secure messaging (modules/messaging) and the realtime event log (platform/realtime).
 * A thread is between one patient and their care team at one clinic. A message is stored,
 * with its event, in one transaction before the sender hears it was sent.
 */

export const messageThreads = pgTable(
  'message_threads',
  {
    id: id(),
    organizationId: clinic(),
    patientUserId: person(),
    subject: text().notNull(),
    /** open | waiting-on-patient | closed */
    status: text().notNull().default('open'),
    /** The staff member or provider working it, when assigned. */
    assignedTo: uuid().references(() => users.id, { onDelete: 'restrict' }),
    createdBy: person(),
    lastMessageAt: utcTimestamp().notNull().defaultNow(),
    ...timestamps(),
  },
  (t) => [
    index('message_threads_inbox_idx').on(t.organizationId, t.status, t.lastMessageAt),
    index('message_threads_patient_idx').on(t.organizationId, t.patientUserId, t.lastMessageAt),
    index('message_threads_assignee_idx').on(t.organizationId, t.assignedTo),
  ],
);

export const messages = pgTable(
  'messages',
  {
    /** Chosen by the sender's device: a resent message lands on the same row. */
    id: uuid().primaryKey(),
    threadId: uuid()
      .notNull()
      .references(() => messageThreads.id, { onDelete: 'restrict' }),
    organizationId: clinic(),
    senderUserId: person(),
    body: text().notNull(),
    /** Order within the thread (and across: one sequence), for reads and unread counts. */
    sequence: bigserial({ mode: 'number' }).notNull(),
    createdAt: utcTimestamp()
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [index('messages_thread_idx').on(t.threadId, t.sequence)],
);

export const messageAttachments = pgTable(
  'message_attachments',
  {
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: 'restrict' }),
    documentId: uuid()
      .notNull()
      .references(() => documents.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.documentId] })],
);

/** How far each person has read each thread (read receipts, unread counts). */
export const messageThreadReads = pgTable(
  'message_thread_reads',
  {
    threadId: uuid()
      .notNull()
      .references(() => messageThreads.id, { onDelete: 'restrict' }),
    userId: person(),
    lastReadSequence: bigint({ mode: 'number' }).notNull(),
    readAt: utcTimestamp().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.userId] })],
);

/**
 * The realtime event log (platform/realtime): every event a socket may receive, written in
 * the same transaction as the change it reports. Its id is what a client resumes from
 * after a reconnect; rooms are `thread:<id>`, `user:<id>`, `clinic-inbox:<id>`,
 * `visit:<id>`. Payloads hold ids and the changed record's public fields.
 */
export const realtimeEvents = pgTable(
  'realtime_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    organizationId: clinic(),
    room: text().notNull(),
    type: text().notNull(),
    payload: jsonb().notNull(),
    createdAt: utcTimestamp()
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [
    index('realtime_events_room_idx').on(t.room, t.id),
    index('realtime_events_created_idx').on(t.createdAt),
  ],
);
