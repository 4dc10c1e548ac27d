import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { organizations } from './organizations.js';
import { users } from './users.js';

/**
 * HIPAA 164.528 accounting of disclosures: what staff disclosed about a patient outside
 * treatment, payment and operations, to whom and why. The patient may read their own.
 * Entries are never edited or deleted (a correction is a new entry).
 */
export const disclosures = pgTable(
  'disclosures',
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    patientUserId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    disclosedAt: utcTimestamp().notNull(),
    recipient: text().notNull(),
    recipientAddress: text(),
    /** A brief description of the information disclosed. */
    description: text().notNull(),
    /** A brief statement of the purpose (or a copy of the written request). */
    purpose: text().notNull(),
    recordedBy: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    createdAt: utcTimestamp().notNull().defaultNow(),
  },
  (t) => [index('disclosures_patient_idx').on(t.organizationId, t.patientUserId, t.disclosedAt)],
);
