import { sql } from 'drizzle-orm';
import { pgEnum, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { id, timestamps, utcTimestamp } from './columns.js';

export const userStatus = pgEnum('user_status', ['active', 'disabled']);

/**
 * One table for every person: patients, providers, staff and admins alike. What a person
 * may do comes from their memberships, never from a column here.
 */
export const users = pgTable(
  'users',
  {
    id: id(),
    email: text().notNull(),
    emailVerifiedAt: utcTimestamp(),
    /** argon2id PHC string; null until the person sets a password (invited accounts). */
    passwordHash: text(),
    displayName: text().notNull(),
    /** IANA zone used to show times to this person. */
    timezone: text().notNull().default('UTC'),
    status: userStatus().notNull().default('active'),
    ...timestamps(),
  },
  // Emails compare case-insensitively; the index makes a second "Maria@x" impossible.
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);
