import { index, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { users } from './users.js';

export const userTokenPurpose = pgEnum('user_token_purpose', [
  'verify-email',
  'password-reset',
  'invite',
]);

/**
 * Single-use, expiring links sent by email (verification, password reset, invitations).
 * Stored as SHA-256 hashes; consuming one stamps `usedAt` in the same statement that
 * checks it, so two clicks cannot both succeed.
 */
export const userTokens = pgTable(
  'user_tokens',
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    purpose: userTokenPurpose().notNull(),
    tokenHash: text().notNull(),
    expiresAt: utcTimestamp().notNull(),
    usedAt: utcTimestamp(),
    createdAt: utcTimestamp().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('user_tokens_token_hash_key').on(t.tokenHash),
    index('user_tokens_user_purpose_idx').on(t.userId, t.purpose),
  ],
);
