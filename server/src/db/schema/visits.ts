import { sql } from 'drizzle-orm';
import { bigserial, check, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { utcTimestamp } from './columns.js';
import { clinic, person } from './reference-columns.js';
import { appointments } from './scheduling.js';
import { users } from './users.js';

/*
 * Virtual visits (modules/visits). The appointment (scheduling) says when and with whom; the
 * encounter says what happened on the day: the patient checked in, the provider admitted
 * them, the visit ended. No row: nobody has checked in yet. Each transition's time is kept,
 * so wait time (checked in → admitted) and visit duration (admitted → ended) follow.
 */

export const visitEncounters = pgTable(
  'visit_encounters',
  {
    /** One encounter per appointment: the appointment's id is the visit's id. */
    appointmentId: uuid()
      .primaryKey()
      .references(() => appointments.id, { onDelete: 'restrict' }),
    organizationId: clinic(),
    patientUserId: person(),
    providerUserId: person(),
    /** waiting | in-progress | completed */
    state: text().notNull(),
    checkedInAt: utcTimestamp().notNull(),
    admittedAt: utcTimestamp(),
    admittedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
    endedAt: utcTimestamp(),
    endedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
    /** What the provider told the waiting patient ("running about 10 minutes late"). */
    providerNote: text(),
    updatedAt: utcTimestamp()
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    index('visit_encounters_queue_idx').on(t.organizationId, t.providerUserId, t.state),
    check(
      'visit_encounters_state_check',
      sql`${t.state} in ('waiting', 'in-progress', 'completed')`,
    ),
    check(
      'visit_encounters_times_check',
      sql`(${t.state} = 'waiting' or ${t.admittedAt} is not null)
        and (${t.state} <> 'completed' or ${t.endedAt} is not null)`,
    ),
  ],
);

/** The visit's chat, kept with the visit (it is part of the encounter's record). */
export const visitChatMessages = pgTable(
  'visit_chat_messages',
  {
    /** Chosen by the sender's device: a resent message lands on the same row. */
    id: uuid().primaryKey(),
    appointmentId: uuid()
      .notNull()
      .references(() => appointments.id, { onDelete: 'restrict' }),
    organizationId: clinic(),
    senderUserId: person(),
    body: text().notNull(),
    /** Order within the visit, for display and resume. */
    sequence: bigserial({ mode: 'number' }).notNull(),
    createdAt: utcTimestamp()
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [index('visit_chat_messages_visit_idx').on(t.appointmentId, t.sequence)],
);
