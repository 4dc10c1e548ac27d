import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { organizations } from './organizations.js';
import { users } from './users.js';

/**
 * An intake questionnaire, defined as data (the web app renders it). Versions are
 * immutable once published; a visit type names the form it uses by slug.
 */
export const intakeForms = pgTable(
  'intake_forms',
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    slug: text().notNull(),
    version: integer().notNull(),
    title: text().notNull(),
    /** The questions (see contracts' intakeQuestionSchema). */
    questions: jsonb().notNull(),
    publishedAt: utcTimestamp().notNull().defaultNow(),
    publishedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
  },
  (t) => [uniqueIndex('intake_forms_version_key').on(t.organizationId, t.slug, t.version)],
);

/**
 * A patient's answers to one form version. Tied to an appointment once scheduling exists;
 * a resubmission appends a new row (the newest per appointment counts).
 */
export const intakeResponses = pgTable(
  'intake_responses',
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    patientUserId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    formId: uuid()
      .notNull()
      .references(() => intakeForms.id, { onDelete: 'restrict' }),
    appointmentId: uuid(),
    answers: jsonb().notNull(),
    submittedBy: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    submittedAt: utcTimestamp().notNull().defaultNow(),
  },
  (t) => [
    index('intake_responses_chart_idx').on(t.organizationId, t.patientUserId, t.submittedAt),
    index('intake_responses_appointment_idx').on(t.appointmentId),
  ],
);
