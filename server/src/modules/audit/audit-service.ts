import { and, asc, desc, eq, gte, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { AuditSearchQuery } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { disclosures } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import { auditEvents } from './audit-tables.js';

type Filters = Omit<AuditSearchQuery, 'limit' | 'offset'>;
type EventRow = typeof auditEvents.$inferSelect;

// Exports stop here; narrow the time range for more.
export const EXPORT_LIMIT = 100_000;

/** Reading the trail (patients' access history, admins' search and export) and disclosures. */
export function createAuditService(deps: {
  db: AppDatabase;
  clock: Clock;
  directory: PeopleDirectory;
}) {
  const { db, directory } = deps;

  async function where(clinicId: string, f: Filters): Promise<SQL | undefined> {
    // Clinic-scoped events, plus sign-in activity of the person searched for when they
    // belong to this clinic (sign-in belongs to no clinic).
    let scope: SQL | undefined = eq(auditEvents.organizationId, clinicId);
    if (f.userId && (await directory.isMember(clinicId, f.userId))) {
      scope = or(scope, isNull(auditEvents.organizationId));
    }
    return and(
      scope,
      f.userId ? eq(auditEvents.actorUserId, f.userId) : undefined,
      f.patientId ? eq(auditEvents.patientId, f.patientId) : undefined,
      f.action ? eq(auditEvents.action, f.action) : undefined,
      f.from ? gte(auditEvents.recordedAt, new Date(f.from)) : undefined,
      f.to ? lte(auditEvents.recordedAt, new Date(f.to)) : undefined,
    );
  }

  function orderBy(f: Filters) {
    const dir = f.order === 'asc' ? asc : desc;
    const column = {
      time: auditEvents.seq,
      action: auditEvents.action,
      actor: auditEvents.actorUserId,
      patient: auditEvents.patientId,
    }[f.sort];
    return column === auditEvents.seq ? [dir(column)] : [dir(column), desc(auditEvents.seq)];
  }

  async function withNames(rows: EventRow[]) {
    const names = await directory.names(
      rows.flatMap((r) => [r.actorUserId, r.patientId]).filter((id): id is string => !!id),
    );
    return rows.map((r) => ({
      seq: r.seq,
      at: r.recordedAt.toISOString(),
      actorUserId: r.actorUserId,
      actorName: r.actorUserId ? (names.get(r.actorUserId) ?? null) : null,
      actorRole: r.actorRole,
      action: r.action as never,
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      patientId: r.patientId,
      patientName: r.patientId ? (names.get(r.patientId) ?? null) : null,
      outcome: r.outcome as 'allowed' | 'denied' | 'failed',
      basis: r.basis,
      clientIp: r.clientIp,
      requestId: r.requestId,
    }));
  }

  return {
    /** Who accessed or changed a patient's record, newest first, as the patient sees it. */
    async accessHistory(
      clinicId: string,
      patientId: string,
      page: { before?: string | undefined; limit: number },
    ) {
      const rows = await db
        .select()
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.organizationId, clinicId),
            eq(auditEvents.patientId, patientId),
            eq(auditEvents.outcome, 'allowed'),
            page.before ? lt(auditEvents.recordedAt, new Date(page.before)) : undefined,
          ),
        )
        .orderBy(desc(auditEvents.recordedAt), desc(auditEvents.seq))
        .limit(page.limit + 1);
      const shown = rows.slice(0, page.limit);
      const names = await directory.names(
        shown.map((r) => r.actorUserId).filter((id): id is string => !!id),
      );
      return {
        entries: shown.map((r) => ({
          at: r.recordedAt.toISOString(),
          actorName: r.actorUserId ? (names.get(r.actorUserId) ?? 'Former user') : 'System',
          actorRole: r.actorRole,
          self: r.actorUserId === patientId,
          action: r.action as never,
          recordKind: r.resourceType,
          emergency: r.basis === 'break-glass',
        })),
        nextBefore: rows.length > page.limit ? shown.at(-1)!.recordedAt.toISOString() : null,
      };
    },

    async search(clinicId: string, query: AuditSearchQuery) {
      const condition = await where(clinicId, query);
      const [rows, [count]] = await Promise.all([
        db
          .select()
          .from(auditEvents)
          .where(condition)
          .orderBy(...orderBy(query))
          .limit(query.limit)
          .offset(query.offset),
        db
          .select({ total: sql<number>`count(*)::int` })
          .from(auditEvents)
          .where(condition),
      ]);
      return { events: await withNames(rows), total: count?.total ?? 0 };
    },

    /** Every matching event (up to EXPORT_LIMIT), for CSV or FHIR export. */
    async exportRows(clinicId: string, filters: Filters) {
      const rows = await db
        .select()
        .from(auditEvents)
        .where(await where(clinicId, filters))
        .orderBy(...orderBy(filters))
        .limit(EXPORT_LIMIT);
      return withNames(rows);
    },

    async recordDisclosure(
      clinicId: string,
      patientId: string,
      by: string,
      entry: {
        disclosedAt: string;
        recipient: string;
        recipientAddress?: string | undefined;
        description: string;
        purpose: string;
      },
    ) {
      const [row] = await db
        .insert(disclosures)
        .values({
          organizationId: clinicId,
          patientUserId: patientId,
          disclosedAt: new Date(entry.disclosedAt),
          recipient: entry.recipient,
          recipientAddress: entry.recipientAddress ?? null,
          description: entry.description,
          purpose: entry.purpose,
          recordedBy: by,
        })
        .returning({ id: disclosures.id });
      return row!.id;
    },

    async listDisclosures(clinicId: string, patientId: string) {
      const rows = await db
        .select()
        .from(disclosures)
        .where(
          and(eq(disclosures.organizationId, clinicId), eq(disclosures.patientUserId, patientId)),
        )
        .orderBy(desc(disclosures.disclosedAt));
      const names = await directory.names(rows.map((r) => r.recordedBy));
      return rows.map((r) => ({
        id: r.id,
        disclosedAt: r.disclosedAt.toISOString(),
        recipient: r.recipient,
        recipientAddress: r.recipientAddress,
        description: r.description,
        purpose: r.purpose,
        recordedByName: names.get(r.recordedBy) ?? 'Former user',
      }));
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
