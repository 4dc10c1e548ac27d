import { sql } from 'drizzle-orm';
import { timestamp, uuid } from 'drizzle-orm/pg-core';

// Column helpers shared by every table. Names are camelCase here and snake_case in SQL:
// the mapping is drizzle's `casing: 'snake_case'`, set once in db/casing.ts.

/** gen_random_uuid() is core PostgreSQL since 13, so PGlite and the servers agree. */
export const id = () =>
  uuid()
    .primaryKey()
    .default(sql`gen_random_uuid()`);

/** Every timestamp is a timestamptz stored in UTC. */
export const utcTimestamp = () => timestamp({ withTimezone: true, mode: 'date' });

export const timestamps = () => ({
  createdAt: utcTimestamp().notNull().defaultNow(),
  updatedAt: utcTimestamp()
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
});
