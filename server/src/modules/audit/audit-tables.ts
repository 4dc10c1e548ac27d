import { bigint, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// The trail's tables are created by the hand-written migration 0005_audit_trail.sql
// (partitioned, with triggers, which drizzle-kit does not model); these definitions only
// type the queries. They are kept out of db/schema so drizzle-kit leaves them alone.

const utc = () => timestamp({ withTimezone: true, mode: 'date' });

export const auditEvents = pgTable('audit_events', {
  seq: bigint({ mode: 'number' }).notNull(),
  recordedAt: utc().notNull(),
  occurredAt: utc().notNull(),
  actorUserId: uuid(),
  actorRole: text(),
  organizationId: uuid(),
  sessionId: uuid(),
  action: text().notNull(),
  resourceType: text().notNull(),
  resourceId: text(),
  patientId: uuid(),
  outcome: text().notNull(),
  basis: text(),
  clientIp: text(),
  userAgent: text(),
  requestId: text(),
  prevHash: text().notNull(),
  hash: text().notNull(),
});

export const auditChainHead = pgTable('audit_chain_head', {
  id: integer().primaryKey(),
  seq: bigint({ mode: 'number' }).notNull(),
  hash: text().notNull(),
});
