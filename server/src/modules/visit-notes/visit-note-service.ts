import { and, asc, desc, eq, max } from 'drizzle-orm';
import {
  visitNoteEventTypes,
  type Visit,
  type VisitNote,
  type VisitNoteDraftSave,
  type VisitNoteVersion,
  type VisitSummary,
} from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { visitNotes } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { databaseFault } from '../../platform/database-errors.js';
import { AppError } from '../../platform/errors.js';
import { createEventLog, type Broadcaster } from '../../platform/realtime/event-log.js';
import type { PeopleDirectory } from '../identity/people-directory.js';

type NoteRow = typeof visitNotes.$inferSelect;

export interface VisitNoteDeps {
  db: AppDatabase;
  clock: Clock;
  directory: PeopleDirectory;
  /** The visits module's answer (state, patient, provider), without access checks. */
  visitOf: (clinicId: string, visitId: string) => Promise<Visit>;
  broadcaster?: Broadcaster | undefined;
}

/**
 * The visit's clinical note: drafts autosaved with optimistic concurrency (each save names
 * the revision it started from; a stale one is a 409, never a silent overwrite), signing
 * that locks a version, and amendments as new versions with a reason. Only the visit's own
 * provider writes; the patient reads the summary of the latest signed version.
 */
export function createVisitNoteService(deps: VisitNoteDeps) {
  const { db, clock } = deps;
  const events = createEventLog(db);

  async function versionsOf(visitId: string): Promise<NoteRow[]> {
    return db
      .select()
      .from(visitNotes)
      .where(eq(visitNotes.appointmentId, visitId))
      .orderBy(asc(visitNotes.version));
  }

  async function views(rows: NoteRow[]): Promise<VisitNoteVersion[]> {
    const ids = [...new Set(rows.flatMap((r) => [r.authorUserId, r.signedBy ?? r.authorUserId]))];
    const names = await deps.directory.names(ids);
    const person = (id: string) => ({ id, displayName: names.get(id) ?? '' });
    return rows.map((r) => ({
      version: r.version,
      status: r.status as 'draft' | 'signed',
      revision: r.revision,
      subjective: r.subjective,
      objective: r.objective,
      assessment: r.assessment,
      plan: r.plan,
      patientSummary: r.patientSummary,
      followUp: r.followUp,
      amendmentReason: r.amendmentReason,
      author: person(r.authorUserId),
      updatedAt: r.updatedAt.toISOString(),
      signedAt: r.signedAt?.toISOString() ?? null,
      signedBy: r.signedBy ? person(r.signedBy) : null,
    }));
  }

  /** The author is the visit's provider, once the visit has begun. */
  async function writableVisit(clinicId: string, visitId: string, userId: string) {
    const visit = await deps.visitOf(clinicId, visitId);
    if (visit.provider.id !== userId) {
      throw new AppError('forbidden', "Only the visit's provider writes its note.");
    }
    if (visit.state !== 'in-progress' && visit.state !== 'completed') {
      throw new AppError('visit-state', 'The note is written once the visit has started.');
    }
    return visit;
  }

  const stale = (current: number) =>
    new AppError(
      'version-conflict',
      `The note was saved elsewhere meanwhile (now at revision ${current}). Reload it to continue.`,
    );

  return {
    async note(clinicId: string, visitId: string): Promise<VisitNote> {
      await deps.visitOf(clinicId, visitId);
      return { visitId, versions: await views(await versionsOf(visitId)) };
    },

    /**
     * Autosaves the draft. `expectedRevision` 0 starts one (the note, or an amendment of the
     * signed note); otherwise it must be the draft's current revision.
     */
    async saveDraft(
      clinicId: string,
      visitId: string,
      userId: string,
      input: VisitNoteDraftSave,
    ): Promise<VisitNoteVersion> {
      const visit = await writableVisit(clinicId, visitId, userId);
      const fields = {
        subjective: input.subjective,
        objective: input.objective,
        assessment: input.assessment,
        plan: input.plan,
        patientSummary: input.patientSummary,
        followUp: input.followUp,
      };
      const now = clock.now();
      const [draft] = await db
        .select()
        .from(visitNotes)
        .where(and(eq(visitNotes.appointmentId, visitId), eq(visitNotes.status, 'draft')));
      if (draft) {
        if (input.expectedRevision !== draft.revision) throw stale(draft.revision);
        const [saved] = await db
          .update(visitNotes)
          .set({
            ...fields,
            amendmentReason: draft.version > 1 ? input.amendmentReason : null,
            revision: draft.revision + 1,
            updatedAt: now,
          })
          .where(
            and(
              eq(visitNotes.id, draft.id),
              eq(visitNotes.status, 'draft'),
              eq(visitNotes.revision, draft.revision),
            ),
          )
          .returning();
        if (!saved) throw stale(draft.revision + 1);
        return (await views([saved]))[0]!;
      }
      if (input.expectedRevision !== 0) throw stale(0);
      const [latest] = await db
        .select({ version: max(visitNotes.version) })
        .from(visitNotes)
        .where(eq(visitNotes.appointmentId, visitId));
      const version = (latest?.version ?? 0) + 1;
      try {
        const [created] = await db
          .insert(visitNotes)
          .values({
            ...fields,
            appointmentId: visitId,
            organizationId: clinicId,
            patientUserId: visit.patient.id,
            version,
            amendmentReason: version > 1 ? input.amendmentReason : null,
            authorUserId: userId,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        return (await views([created!]))[0]!;
      } catch (err) {
        // Another tab started the draft first: this save is stale.
        if (databaseFault(err)?.sqlState === '23505') throw stale(1);
        throw err;
      }
    },

    /** Signs the draft: it is locked from now on, and the patient can read its summary. */
    async sign(
      clinicId: string,
      visitId: string,
      userId: string,
      expectedRevision: number,
    ): Promise<VisitNoteVersion> {
      const visit = await writableVisit(clinicId, visitId, userId);
      const [draft] = await db
        .select()
        .from(visitNotes)
        .where(and(eq(visitNotes.appointmentId, visitId), eq(visitNotes.status, 'draft')));
      if (!draft) throw new AppError('visit-state', 'There is no draft to sign.');
      if (draft.revision !== expectedRevision) throw stale(draft.revision);
      const missing = [
        !draft.assessment.trim() && !draft.plan.trim()
          ? { path: 'body.assessment', message: 'Write an assessment or a plan before signing.' }
          : undefined,
        !draft.patientSummary.trim()
          ? { path: 'body.patientSummary', message: 'Write the summary the patient will read.' }
          : undefined,
        draft.version > 1 && !draft.amendmentReason?.trim()
          ? { path: 'body.amendmentReason', message: 'Say why the signed note is being amended.' }
          : undefined,
      ].filter((e) => e !== undefined);
      if (missing.length) {
        throw new AppError('validation', 'The note is not ready to sign.', missing);
      }
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        const [signed] = await tx
          .update(visitNotes)
          .set({ status: 'signed', signedAt: now, signedBy: userId, updatedAt: now })
          .where(
            and(
              eq(visitNotes.id, draft.id),
              eq(visitNotes.status, 'draft'),
              eq(visitNotes.revision, expectedRevision),
            ),
          )
          .returning();
        if (!signed) return undefined;
        const stored = await events.record(tx, [
          {
            organizationId: clinicId,
            room: `user:${visit.patient.id}`,
            type: visitNoteEventTypes.summaryReady,
            payload: { visitId },
          },
        ]);
        return { signed, stored };
      });
      if (!result) throw stale(draft.revision + 1);
      deps.broadcaster?.broadcast(result.stored);
      return (await views([result.signed]))[0]!;
    },

    /** The patient's after-visit summary: the latest signed version's. */
    async summary(clinicId: string, visitId: string): Promise<VisitSummary> {
      const visit = await deps.visitOf(clinicId, visitId);
      const [latest] = await db
        .select()
        .from(visitNotes)
        .where(and(eq(visitNotes.appointmentId, visitId), eq(visitNotes.status, 'signed')))
        .orderBy(desc(visitNotes.version))
        .limit(1);
      if (!latest) {
        throw new AppError('not-found', 'The visit summary is not ready yet.');
      }
      const [first] = await db
        .select({ signedAt: visitNotes.signedAt })
        .from(visitNotes)
        .where(and(eq(visitNotes.appointmentId, visitId), eq(visitNotes.version, 1)));
      return {
        visitId,
        provider: visit.provider,
        visitTypeName: visit.visitType.name,
        startsAt: visit.startsAt,
        patientSummary: latest.patientSummary,
        followUp: latest.followUp,
        signedAt: (first?.signedAt ?? latest.signedAt!).toISOString(),
        amendedAt: latest.version > 1 ? latest.signedAt!.toISOString() : null,
      };
    },
  };
}

export type VisitNoteService = ReturnType<typeof createVisitNoteService>;
