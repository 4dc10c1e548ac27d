import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { clinic, person } from './reference-columns.js';
import { appointments } from './scheduling.js';
import { users } from './users.js';

/*
 * Clinical notes of a visit (modules/visit-notes): a SOAP note with the after-visit summary
 * the patient reads. Version 1 is the note; each later version is an amendment with its
 * reason. A version is a draft (autosaved, `revision` counts saves) until it is signed;
 * signed rows are never updated again (the service's rule, and a trigger-free check: every
 * UPDATE is `where status = 'draft'`). At most one draft per visit.
 */
export const visitNotes = pgTable(
  'visit_notes',
  {
    id: id(),
    appointmentId: uuid()
      .notNull()
      .references(() => appointments.id, { onDelete: 'restrict' }),
    organizationId: clinic(),
    patientUserId: person(),
    /** 1: the note; 2 and on: amendments. */
    version: integer().notNull(),
    /** draft | signed */
    status: text().notNull().default('draft'),
    /** Saves of the draft: an autosave names the revision it started from. */
    revision: integer().notNull().default(1),
    subjective: text().notNull().default(''),
    objective: text().notNull().default(''),
    assessment: text().notNull().default(''),
    plan: text().notNull().default(''),
    /** The after-visit summary, in plain words, for the patient. */
    patientSummary: text().notNull().default(''),
    followUp: text().notNull().default(''),
    /** Why an amendment was made (versions after the first). */
    amendmentReason: text(),
    authorUserId: person(),
    createdAt: utcTimestamp().notNull().defaultNow(),
    updatedAt: utcTimestamp().notNull().defaultNow(),
    signedAt: utcTimestamp(),
    signedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
  },
  (t) => [
    uniqueIndex('visit_notes_version_idx').on(t.appointmentId, t.version),
    uniqueIndex('visit_notes_one_draft_idx')
      .on(t.appointmentId)
      .where(sql`${t.status} = 'draft'`),
    index('visit_notes_patient_idx').on(t.organizationId, t.patientUserId),
    check('visit_notes_status_check', sql`${t.status} in ('draft', 'signed')`),
    check(
      'visit_notes_signed_check',
      sql`(${t.status} = 'signed') = (${t.signedAt} is not null and ${t.signedBy} is not null)`,
    ),
  ],
);
