import { and, desc, eq } from 'drizzle-orm';
import type { CorrectionRequest } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { correctionRequests } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { PeopleDirectory } from '../identity/people-directory.js';

type RequestRow = typeof correctionRequests.$inferSelect;

/**
 * HIPAA 164.526 amendment requests: the patient says what is wrong; staff accept (and
 * make the change, citing the request) or deny in writing. Decisions are final and kept.
 */
export function createCorrectionsService(
  db: AppDatabase,
  clock: Clock,
  directory: PeopleDirectory,
) {
  async function views(rows: RequestRow[]): Promise<CorrectionRequest[]> {
    const names = await directory.names(
      rows.flatMap((r) => (r.decidedBy ? [r.patientUserId, r.decidedBy] : [r.patientUserId])),
    );
    return rows.map((r) => ({
      id: r.id,
      patientId: r.patientUserId,
      patientName: names.get(r.patientUserId) ?? 'Unknown',
      section: r.section as CorrectionRequest['section'],
      requestedChange: r.requestedChange,
      createdAt: r.createdAt.toISOString(),
      status: r.status as CorrectionRequest['status'],
      decidedAt: r.decidedAt?.toISOString() ?? null,
      decidedBy: r.decidedBy ? (names.get(r.decidedBy) ?? 'Unknown') : null,
      decisionReason: r.decisionReason,
    }));
  }

  return {
    async create(
      clinicId: string,
      patientId: string,
      input: { section: CorrectionRequest['section']; requestedChange: string },
    ) {
      const [row] = await db
        .insert(correctionRequests)
        .values({
          organizationId: clinicId,
          patientUserId: patientId,
          section: input.section,
          requestedChange: input.requestedChange,
          createdAt: clock.now(),
        })
        .returning();
      return (await views([row!]))[0]!;
    },

    async listForPatient(clinicId: string, patientId: string) {
      const rows = await db
        .select()
        .from(correctionRequests)
        .where(
          and(
            eq(correctionRequests.organizationId, clinicId),
            eq(correctionRequests.patientUserId, patientId),
          ),
        )
        .orderBy(desc(correctionRequests.createdAt));
      return views(rows);
    },

    /** The clinic's queue, oldest pending first (the 60-day clock runs from each request). */
    async queue(clinicId: string, status: CorrectionRequest['status']) {
      const rows = await db
        .select()
        .from(correctionRequests)
        .where(
          and(
            eq(correctionRequests.organizationId, clinicId),
            eq(correctionRequests.status, status),
          ),
        )
        .orderBy(
          status === 'pending' ? correctionRequests.createdAt : desc(correctionRequests.decidedAt),
        )
        .limit(200);
      return views(rows);
    },

    async decide(
      clinicId: string,
      patientId: string,
      requestId: string,
      actorId: string,
      input: { decision: 'accepted' | 'denied'; reason: string },
    ) {
      const [row] = await db
        .update(correctionRequests)
        .set({
          status: input.decision,
          decidedAt: clock.now(),
          decidedBy: actorId,
          decisionReason: input.reason,
        })
        .where(
          and(
            eq(correctionRequests.id, requestId),
            eq(correctionRequests.organizationId, clinicId),
            eq(correctionRequests.patientUserId, patientId),
            eq(correctionRequests.status, 'pending'),
          ),
        )
        .returning();
      if (row) return (await views([row]))[0]!;
      const [existing] = await db
        .select({ status: correctionRequests.status })
        .from(correctionRequests)
        .where(
          and(
            eq(correctionRequests.id, requestId),
            eq(correctionRequests.organizationId, clinicId),
            eq(correctionRequests.patientUserId, patientId),
          ),
        );
      if (!existing) throw new AppError('not-found', 'No such correction request.');
      throw new AppError('conflict', `This request was already ${existing.status}.`);
    },
  };
}

export type CorrectionsService = ReturnType<typeof createCorrectionsService>;
