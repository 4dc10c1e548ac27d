import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { clinic, person } from './reference-columns.js';
import { appointments } from './scheduling.js';
import { users } from './users.js';

/*
 * Guests of a video visit (modules/visits, docs/visits.md "Guests"): an interpreter or a
 * family member the provider invited by a single-use link. A guest has no account: the row
 * is their identity for this one visit. Only hashes of the invite token and of the guest's
 * cookie are stored, so a leaked table cannot be replayed. Rows are never deleted: removal
 * is a time, and the trail of who was in a visit stays.
 */
export const visitGuests = pgTable(
  'visit_guests',
  {
    id: id(),
    /** The visit (its appointment's id). */
    appointmentId: uuid()
      .notNull()
      .references(() => appointments.id, { onDelete: 'restrict' }),
    organizationId: clinic(),
    /** The name the guest gave when accepting ('' until then). */
    displayName: text().notNull().default(''),
    invitedBy: person(),
    inviteTokenHash: text().notNull(),
    inviteExpiresAt: utcTimestamp().notNull(),
    /** When the link was used: it cannot be used again. */
    acceptedAt: utcTimestamp(),
    /** The guest's cookie (`ov_guest`), hashed; set on acceptance. */
    sessionTokenHash: text(),
    admittedAt: utcTimestamp(),
    admittedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
    removedAt: utcTimestamp(),
    createdAt: utcTimestamp().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('visit_guests_invite_token_idx').on(t.inviteTokenHash),
    uniqueIndex('visit_guests_session_token_idx').on(t.sessionTokenHash),
    index('visit_guests_visit_idx').on(t.appointmentId),
  ],
);
