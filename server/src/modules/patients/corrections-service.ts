import { randomUUID } from 'node:crypto';
import { and, desc, eq, notInArray } from 'drizzle-orm';
import { clinicalCorrectionSections, type CorrectionRequest } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { correctionRequests } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import type { AccessBasis } from '../../platform/record-access.js';
import { AppError } from '../../platform/errors.js';
import type { PeopleDirectory } from '../identity/people-directory.js';

type RequestRow = typeof correctionRequests.$inferSelect;

const administrativeSection = notInArray(correctionRequests.section, [
  ...clinicalCorrectionSections,
]);

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
      id: string = randomUUID(),
    ) {
      const [row] = await db
        .insert(correctionRequests)
        .values({
          id,
          organizationId: clinicId,
          patientUserId: patientId,
          section: input.section,
          requestedChange: input.requestedChange,
          createdAt: clock.now(),
        })
        .returning();
      return (await views([row!]))[0]!;
    },

    /** Staff and admins (`clinic-staff`) do not see requests about health content. */
    async listForPatient(clinicId: string, patientId: string, basis: AccessBasis) {
      const rows = await db
        .select()
        .from(correctionRequests)
        .where(
          and(
            eq(correctionRequests.organizationId, clinicId),
            eq(correctionRequests.patientUserId, patientId),
            basis === 'clinic-staff' ? administrativeSection : undefined,
          ),
        )
        .orderBy(desc(correctionRequests.createdAt));
      return views(rows);
    },

    /**
     * The staff's queue, oldest pending first (the 60-day clock runs from each request):
     * requests about health content go to the patient's providers, on the chart, instead.
     */
    async queue(clinicId: string, status: CorrectionRequest['status']) {
      const rows = await db
        .select()
        .from(correctionRequests)
        .where(
          and(
            eq(correctionRequests.organizationId, clinicId),
            eq(correctionRequests.status, status),
            administrativeSection,
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
      actor: { userId: string; basis: AccessBasis },
      input: { decision: 'accepted' | 'denied'; reason: string },
    ) {
      const [request] = await db
        .select({ section: correctionRequests.section })
        .from(correctionRequests)
        .where(
          and(
            eq(correctionRequests.id, requestId),
            eq(correctionRequests.organizationId, clinicId),
            eq(correctionRequests.patientUserId, patientId),
          ),
        );
      // Staff never see requests about health content: to them such a request does not exist.
      const clinical = request && clinicalCorrectionSections.includes(request.section);
      if (!request || (clinical && actor.basis === 'clinic-staff')) {
        throw new AppError('not-found', 'No such correction request.');
      }
      const [row] = await db
        .update(correctionRequests)
        .set({
          status: input.decision,
          decidedAt: clock.now(),
          decidedBy: actor.userId,
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
