import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { organizations } from './organizations.js';
import { sessions } from './sessions.js';
import { users } from './users.js';

/** Who a care relationship links: a provider and a patient, at one clinic. */
const careParties = () => ({
  organizationId: uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: 'restrict' }),
  patientUserId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: 'restrict' }),
  providerUserId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: 'restrict' }),
});

/**
 * An explicit care-team assignment: this provider cares for this patient at this clinic.
 * Ending an assignment keeps the row (who ended it, when) so past access stays explainable.
 */
export const careTeamMembers = pgTable(
  'care_team_members',
  {
    id: id(),
    ...careParties(),
    assignedBy: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    createdAt: utcTimestamp().notNull().defaultNow(),
    endedAt: utcTimestamp(),
    endedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
  },
  (t) => [
    // At most one active assignment per pair; assigning twice is a no-op, not a duplicate.
    uniqueIndex('care_team_members_active_key')
      .on(t.organizationId, t.patientUserId, t.providerUserId)
      .where(sql`${t.endedAt} is null`),
    index('care_team_members_provider_idx').on(t.organizationId, t.providerUserId),
  ],
);

/**
 * Emergency ("break-glass") access: a provider without a care relationship opened a
 * patient's record, stating why. The grant lasts an hour and the clinic's admins review it.
 */
export const breakGlassGrants = pgTable(
  'break_glass_grants',
  {
    id: id(),
    ...careParties(),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: 'restrict' }),
    reason: text().notNull(),
    createdAt: utcTimestamp().notNull(),
    expiresAt: utcTimestamp().notNull(),
    reviewedAt: utcTimestamp(),
    reviewedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
  },
  (t) => [
    check('break_glass_grants_expiry_check', sql`${t.expiresAt} > ${t.createdAt}`),
    index('break_glass_grants_lookup_idx').on(
      t.organizationId,
      t.providerUserId,
      t.patientUserId,
      t.expiresAt,
    ),
    index('break_glass_grants_review_idx').on(t.organizationId, t.createdAt),
  ],
);
