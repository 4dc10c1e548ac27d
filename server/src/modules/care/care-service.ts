import type { FastifyBaseLogger } from 'fastify';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import { breakGlassGrants, careTeamMembers } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { RecordFacts } from '../../platform/record-access.js';
import type { PeopleDirectory } from '../identity/people-directory.js';

type Relationship = 'care-team' | 'break-glass';

export const BREAK_GLASS_DURATION_MS = 60 * 60 * 1000;

/**
 * Another way a provider can be linked to a patient (scheduling adds "a booked or past
 * visit"). Sources are asked only when no care-team assignment exists.
 */
export type RelationshipSource = (
  clinicId: string,
  patientId: string,
  providerId: string,
) => Promise<boolean>;

export interface CareDeps {
  db: AppDatabase;
  clock: Clock;
  mailer: Mailer;
  directory: PeopleDirectory;
  publicUrl: string;
  log: FastifyBaseLogger;
  relationshipSources?: RelationshipSource[];
}

/** Care relationships and emergency access: this service owns their tables. */
export function createCareService(deps: CareDeps) {
  const { db, clock, directory } = deps;
  const sources = deps.relationshipSources ?? [];

  const activeAssignment = (clinicId: string, patientId: string, providerId: string) =>
    and(
      eq(careTeamMembers.organizationId, clinicId),
      eq(careTeamMembers.patientUserId, patientId),
      eq(careTeamMembers.providerUserId, providerId),
      isNull(careTeamMembers.endedAt),
    );

  async function onCareTeam(clinicId: string, patientId: string, providerId: string) {
    const [row] = await db
      .select({ id: careTeamMembers.id })
      .from(careTeamMembers)
      .where(activeAssignment(clinicId, patientId, providerId))
      .limit(1);
    return row !== undefined;
  }

  async function hasRelationship(clinicId: string, patientId: string, providerId: string) {
    if (await onCareTeam(clinicId, patientId, providerId)) return true;
    for (const source of sources) if (await source(clinicId, patientId, providerId)) return true;
    return false;
  }

  async function activeGrant(clinicId: string, patientId: string, providerId: string) {
    const [grant] = await db
      .select({ id: breakGlassGrants.id, expiresAt: breakGlassGrants.expiresAt })
      .from(breakGlassGrants)
      .where(
        and(
          eq(breakGlassGrants.organizationId, clinicId),
          eq(breakGlassGrants.providerUserId, providerId),
          eq(breakGlassGrants.patientUserId, patientId),
          gt(breakGlassGrants.expiresAt, clock.now()),
        ),
      )
      .orderBy(desc(breakGlassGrants.expiresAt))
      .limit(1);
    return grant;
  }

  async function assertPatient(clinicId: string, patientId: string) {
    if (!(await directory.holdsRole(clinicId, patientId, 'patient'))) {
      throw new AppError('not-found', 'No patient with this id at this clinic.');
    }
  }

  return {
    /** What the access policy needs to decide on a patient's record. */
    async recordFacts(
      clinicId: string,
      patientId: string,
      providerId: string | undefined,
    ): Promise<RecordFacts> {
      const patientInClinic = await directory.holdsRole(clinicId, patientId, 'patient');
      if (!patientInClinic || !providerId) {
        return { patientInClinic, careRelationship: false, breakGlassGrantId: undefined };
      }
      const careRelationship = await hasRelationship(clinicId, patientId, providerId);
      const grant = careRelationship
        ? undefined
        : await activeGrant(clinicId, patientId, providerId);
      return { patientInClinic, careRelationship, breakGlassGrantId: grant?.id };
    },

    /**
     * The clinic's patients as the viewer may list them: staff and admins see everyone; a
     * provider sees the patients they care for (and any opened by break-glass), and may
     * look one other patient up by exact email to request emergency access.
     */
    async listPatients(
      clinicId: string,
      viewer: { userId: string; roles: string[] },
      filter: { email?: string },
    ) {
      const everyone = viewer.roles.some((r) => r === 'staff' || r === 'admin');
      if (everyone || filter.email) {
        const found = await directory.withRole(clinicId, 'patient', filter);
        return found.map((p) => ({ ...p, relationship: undefined as Relationship | undefined }));
      }
      const assigned = await db
        .select({ patientId: careTeamMembers.patientUserId })
        .from(careTeamMembers)
        .where(
          and(
            eq(careTeamMembers.organizationId, clinicId),
            eq(careTeamMembers.providerUserId, viewer.userId),
            isNull(careTeamMembers.endedAt),
          ),
        );
      const opened = await db
        .select({ patientId: breakGlassGrants.patientUserId })
        .from(breakGlassGrants)
        .where(
          and(
            eq(breakGlassGrants.organizationId, clinicId),
            eq(breakGlassGrants.providerUserId, viewer.userId),
            gt(breakGlassGrants.expiresAt, clock.now()),
          ),
        );
      const relation = new Map<string, Relationship>();
      for (const o of opened) relation.set(o.patientId, 'break-glass');
      for (const a of assigned) relation.set(a.patientId, 'care-team');
      const found = await directory.withRole(clinicId, 'patient', { ids: [...relation.keys()] });
      return found.map((p) => ({ ...p, relationship: relation.get(p.id) }));
    },

    /** The clinic's active providers, by name. */
    async providers(clinicId: string) {
      const found = await directory.withRole(clinicId, 'provider');
      return found
        .filter((p) => p.status === 'active')
        .map((p) => ({ id: p.id, displayName: p.displayName }));
    },

    /** The patient's administrative summary: who they are and who cares for them. */
    async patientSummary(clinicId: string, patientId: string) {
      const [patient] = await directory.withRole(clinicId, 'patient', { ids: [patientId] });
      if (!patient) throw new AppError('not-found', 'No patient with this id at this clinic.');
      const team = await db
        .select({ providerId: careTeamMembers.providerUserId, since: careTeamMembers.createdAt })
        .from(careTeamMembers)
        .where(
          and(
            eq(careTeamMembers.organizationId, clinicId),
            eq(careTeamMembers.patientUserId, patientId),
            isNull(careTeamMembers.endedAt),
          ),
        );
      const providers = await directory.withRole(clinicId, 'provider', {
        ids: team.map((t) => t.providerId),
      });
      const since = new Map(team.map((t) => [t.providerId, t.since]));
      return {
        patient,
        careTeam: providers.map((p) => ({
          providerId: p.id,
          displayName: p.displayName,
          since: since.get(p.id)!.toISOString(),
        })),
      };
    },

    /** Puts a provider on a patient's care team (idempotent). */
    async assign(clinicId: string, patientId: string, providerId: string, by: string) {
      await assertPatient(clinicId, patientId);
      if (!(await directory.holdsRole(clinicId, providerId, 'provider'))) {
        throw new AppError('not-found', 'No provider with this id at this clinic.');
      }
      await db
        .insert(careTeamMembers)
        .values({
          organizationId: clinicId,
          patientUserId: patientId,
          providerUserId: providerId,
          assignedBy: by,
          createdAt: clock.now(),
        })
        .onConflictDoNothing();
    },

    /** Takes a provider off a patient's care team (idempotent; the row is kept). */
    async unassign(clinicId: string, patientId: string, providerId: string, by: string) {
      await db
        .update(careTeamMembers)
        .set({ endedAt: clock.now(), endedBy: by })
        .where(activeAssignment(clinicId, patientId, providerId));
    },

    /**
     * Emergency access: opens a patient's record to a provider for an hour and tells every
     * admin of the clinic. The email names no patient; admins review grants in the app.
     */
    async breakGlass(
      clinicId: string,
      patientId: string,
      provider: { userId: string; sessionId: string },
      reason: string,
    ) {
      await assertPatient(clinicId, patientId);
      if (await hasRelationship(clinicId, patientId, provider.userId)) {
        throw new AppError(
          'conflict',
          'You already care for this patient: no emergency access needed.',
        );
      }
      const now = clock.now();
      const [grant] = await db
        .insert(breakGlassGrants)
        .values({
          organizationId: clinicId,
          patientUserId: patientId,
          providerUserId: provider.userId,
          sessionId: provider.sessionId,
          reason,
          createdAt: now,
          expiresAt: new Date(now.getTime() + BREAK_GLASS_DURATION_MS),
        })
        .returning({ id: breakGlassGrants.id, expiresAt: breakGlassGrants.expiresAt });
      await notifyAdmins(clinicId);
      return grant!;
    },

    /** Emergency grants for the clinic's admins to review, newest first. */
    async listBreakGlass(clinicId: string) {
      const grants = await db
        .select()
        .from(breakGlassGrants)
        .where(eq(breakGlassGrants.organizationId, clinicId))
        .orderBy(desc(breakGlassGrants.createdAt))
        .limit(200);
      const ids = [...new Set(grants.flatMap((g) => [g.patientUserId, g.providerUserId]))];
      const [patients, providers] = await Promise.all([
        directory.withRole(clinicId, 'patient', { ids }),
        directory.withRole(clinicId, 'provider', { ids }),
      ]);
      const name = new Map([...patients, ...providers].map((p) => [p.id, p.displayName]));
      return grants.map((g) => ({
        id: g.id,
        patientId: g.patientUserId,
        patientName: name.get(g.patientUserId) ?? 'Unknown',
        providerId: g.providerUserId,
        providerName: name.get(g.providerUserId) ?? 'Unknown',
        reason: g.reason,
        createdAt: g.createdAt.toISOString(),
        expiresAt: g.expiresAt.toISOString(),
        reviewedAt: g.reviewedAt?.toISOString() ?? null,
      }));
    },

    /** An admin marks a grant as reviewed (idempotent: the first review is kept). */
    async reviewBreakGlass(clinicId: string, grantId: string, by: string) {
      const [row] = await db
        .select({ reviewedAt: breakGlassGrants.reviewedAt })
        .from(breakGlassGrants)
        .where(
          and(eq(breakGlassGrants.organizationId, clinicId), eq(breakGlassGrants.id, grantId)),
        );
      if (!row) throw new AppError('not-found', 'No emergency access with this id.');
      if (!row.reviewedAt) {
        await db
          .update(breakGlassGrants)
          .set({ reviewedAt: clock.now(), reviewedBy: by })
          .where(and(eq(breakGlassGrants.id, grantId), isNull(breakGlassGrants.reviewedAt)));
      }
    },
  };

  async function notifyAdmins(clinicId: string) {
    const admins = (await directory.withRole(clinicId, 'admin')).filter(
      (a) => a.status === 'active',
    );
    const text = [
      'A provider at your clinic used emergency (break-glass) access to open a patient record.',
      'Review it, with the reason they gave, in OpenVisit:',
      `${deps.publicUrl}/admin/emergency-access`,
    ].join('\n\n');
    // Sent after the grant: a failing mail server must not block emergency care; the
    // grant stays listed for review either way.
    for (const admin of admins) {
      deps.mailer
        .send({ to: admin.email, category: 'break-glass', subject: 'Emergency access used', text })
        .catch((err: unknown) => deps.log.error({ err }, 'break-glass notice not sent'));
    }
  }
}

export type CareService = ReturnType<typeof createCareService>;
