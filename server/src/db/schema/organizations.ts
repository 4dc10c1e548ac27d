import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { id, timestamps } from './columns.js';

/** A clinic. Every clinical record belongs to exactly one organization. */
export const organizations = pgTable(
  'organizations',
  {
    id: id(),
    slug: text().notNull(),
    name: text().notNull(),
    /** IANA zone the clinic's schedule defaults to, e.g. America/Chicago. */
    timezone: text().notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('organizations_slug_key').on(t.slug)],
);
