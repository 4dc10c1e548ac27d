import { index, pgEnum, pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps } from './columns.js';
import { organizations } from './organizations.js';
import { users } from './users.js';

export const membershipRole = pgEnum('membership_role', ['patient', 'provider', 'staff', 'admin']);

/** A person's role at a clinic. A person may hold several roles and belong to several clinics. */
export const memberships = pgTable(
  'memberships',
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    role: membershipRole().notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('memberships_user_org_role_key').on(t.userId, t.organizationId, t.role),
    index('memberships_organization_role_idx').on(t.organizationId, t.role),
  ],
);
