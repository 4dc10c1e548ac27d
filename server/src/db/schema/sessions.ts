import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { users } from './users.js';

/**
 * Signed-in sessions. The browser holds a random token; only its SHA-256 is stored, so a
 * copy of this table cannot be replayed. A session ends at the first of: logout or
 * revocation, `idleTimeoutSeconds` without activity, or `expiresAt` (absolute limit).
 */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    tokenHash: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    createdAt: utcTimestamp().notNull().defaultNow(),
    lastSeenAt: utcTimestamp().notNull().defaultNow(),
    expiresAt: utcTimestamp().notNull(),
    idleTimeoutSeconds: integer().notNull(),
    /** `password` until a second factor is proven in this session, then `mfa`. */
    assurance: text({ enum: ['password', 'mfa'] })
      .notNull()
      .default('password'),
    revokedAt: utcTimestamp(),
    /** Why it ended early: logout, revoked, password-changed, disabled, rotated. */
    revokedReason: text(),
    /** Shown on "your sessions" so a person recognises their devices. */
    ipAddress: text(),
    userAgent: text(),
  },
  (t) => [
    uniqueIndex('sessions_token_hash_key').on(t.tokenHash),
    index('sessions_user_id_idx').on(t.userId),
  ],
);
