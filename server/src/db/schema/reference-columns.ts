import { uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { users } from './users.js';

// Required references to a clinic or a person. Kept apart from columns.ts because
// organizations.ts and users.ts import columns.ts: importing them back from there is a cycle
// that, depending on which file loads first, runs a table definition before id() exists.

/** The clinic a row belongs to. */
export const clinic = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: 'restrict' });

/** A person the row names (patient, provider, author). */
export const person = () =>
  uuid()
    .notNull()
    .references(() => users.id, { onDelete: 'restrict' });
