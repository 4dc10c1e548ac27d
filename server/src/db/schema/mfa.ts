import { bigint, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, utcTimestamp } from './columns.js';
import { users } from './users.js';

/**
 * A person's authenticator app (TOTP). The shared secret is sealed with the field cipher;
 * `lastTimeStep` is the 30-second step of the last accepted code, so a code cannot be
 * replayed within its window. Unconfirmed rows are enrollments in progress.
 */
export const mfaTotp = pgTable('mfa_totp', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'restrict' }),
  secretSealed: text().notNull(),
  confirmedAt: utcTimestamp(),
  lastTimeStep: bigint({ mode: 'number' }),
  ...timestamps(),
});

/** Ten single-use recovery codes per person, stored as SHA-256 of 80-bit random codes. */
export const mfaRecoveryCodes = pgTable(
  'mfa_recovery_codes',
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    codeHash: text().notNull(),
    usedAt: utcTimestamp(),
    createdAt: utcTimestamp().notNull().defaultNow(),
  },
  (t) => [index('mfa_recovery_codes_user_idx').on(t.userId)],
);
