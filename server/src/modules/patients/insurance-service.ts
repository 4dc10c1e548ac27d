import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq } from 'drizzle-orm';
import type {
  InsurancePolicy,
  insuranceFieldsSchema,
  insuranceUpdateSchema,
} from '@openvisit/contracts';
import type { z } from 'zod';
import type { AppDatabase } from '../../db/client.js';
import { insurancePolicyVersions } from '../../db/schema/index.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import { AppError } from '../../platform/errors.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import { assertBasedOnLatest, historyView, insertingVersion, stampView } from './chart-versions.js';

type PolicyRow = typeof insurancePolicyVersions.$inferSelect;
type CreateInput = z.output<typeof insuranceFieldsSchema>;
type UpdateInput = z.output<typeof insuranceUpdateSchema>;

/** The member id's sealing context: a sealed value only opens on its own policy. */
export const memberIdContext = (policyId: string) => `insurance-member-id:${policyId}`;

/** Checks that a card image is this patient's document (the documents module decides). */
export type PatientDocumentCheck = (
  clinicId: string,
  patientId: string,
  documentId: string,
) => Promise<void>;

const policyFields = [
  'rank',
  'payer',
  'plan',
  'memberId',
  'groupNumber',
  'subscriberRelationship',
  'subscriberName',
  'cardFrontDocumentId',
  'cardBackDocumentId',
  'status',
] as const;

export interface InsuranceDeps {
  db: AppDatabase;
  directory: PeopleDirectory;
  cipher: FieldCipher;
  checkDocument?: PatientDocumentCheck;
}

/**
 * Insurance coverage. The member id is sealed with the field cipher before it reaches
 * the database and opened only on the way out to someone the access rules let in.
 */
export function createInsuranceService({ db, directory, cipher, checkDocument }: InsuranceDeps) {
  const ofPatient = (clinicId: string, patientId: string) =>
    and(
      eq(insurancePolicyVersions.organizationId, clinicId),
      eq(insurancePolicyVersions.patientUserId, patientId),
    );

  const plain = (row: PolicyRow) => ({
    ...row,
    memberId: cipher.open(row.memberIdSealed, memberIdContext(row.policyId)),
  });

  function toView(row: PolicyRow, names: Map<string, string>): InsurancePolicy {
    const opened = plain(row);
    return {
      id: row.policyId,
      rank: row.rank as InsurancePolicy['rank'],
      payer: row.payer,
      plan: row.plan,
      memberId: opened.memberId,
      groupNumber: row.groupNumber,
      subscriberRelationship:
        row.subscriberRelationship as InsurancePolicy['subscriberRelationship'],
      subscriberName: row.subscriberName,
      cardFrontDocumentId: row.cardFrontDocumentId,
      cardBackDocumentId: row.cardBackDocumentId,
      status: row.status as InsurancePolicy['status'],
      ...stampView(row, names),
    };
  }

  /** Card photos must be this patient's insurance-card documents; anything else is refused. */
  async function checkCards(clinicId: string, patientId: string, input: CreateInput) {
    const cards = {
      cardFrontDocumentId: input.cardFrontDocumentId,
      cardBackDocumentId: input.cardBackDocumentId,
    };
    for (const [field, id] of Object.entries(cards)) {
      if (!id) continue;
      try {
        if (!checkDocument) throw new AppError('validation');
        await checkDocument(clinicId, patientId, id);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        const message = "Upload the card photo to this patient's documents as an insurance card.";
        throw new AppError('validation', message, [{ path: `body.${field}`, message }]);
      }
    }
  }

  async function versionsOf(clinicId: string, patientId: string, policyId: string) {
    return db
      .select()
      .from(insurancePolicyVersions)
      .where(and(ofPatient(clinicId, patientId), eq(insurancePolicyVersions.policyId, policyId)))
      .orderBy(desc(insurancePolicyVersions.version));
  }

  const sealedRow = (policyId: string, input: CreateInput) => {
    const { memberId, ...rest } = input;
    return { ...rest, policyId, memberIdSealed: cipher.seal(memberId, memberIdContext(policyId)) };
  };

  return {
    async list(clinicId: string, patientId: string): Promise<InsurancePolicy[]> {
      const rows = await db
        .select()
        .from(insurancePolicyVersions)
        .where(ofPatient(clinicId, patientId))
        .orderBy(asc(insurancePolicyVersions.policyId), asc(insurancePolicyVersions.version));
      const latest = new Map(rows.map((r) => [r.policyId, r]));
      const names = await directory.names(rows.map((r) => r.recordedBy));
      return [...latest.values()]
        .map((row) => toView(row, names))
        .sort(
          (a, b) =>
            a.status.localeCompare(b.status) ||
            a.rank.localeCompare(b.rank) ||
            a.payer.localeCompare(b.payer),
        );
    },

    async create(
      clinicId: string,
      patientId: string,
      actorId: string,
      input: CreateInput,
      /** The new policy's id (the audit trail names it before it exists). */
      policyId: string = randomUUID(),
    ) {
      await checkCards(clinicId, patientId, input);
      const [row] = await db
        .insert(insurancePolicyVersions)
        .values({
          organizationId: clinicId,
          patientUserId: patientId,
          version: 1,
          recordedBy: actorId,
          status: 'active',
          ...sealedRow(policyId, input),
        })
        .returning();
      return toView(row!, await directory.names([actorId]));
    },

    async update(
      clinicId: string,
      patientId: string,
      policyId: string,
      actorId: string,
      input: UpdateInput,
    ) {
      const [latest] = await versionsOf(clinicId, patientId, policyId);
      if (!latest) throw new AppError('not-found', 'No such insurance policy in this chart.');
      assertBasedOnLatest(input.expectedVersion, latest.version);
      await checkCards(clinicId, patientId, input);
      const { expectedVersion, changeReason, status, ...fields } = input;
      const [row] = await insertingVersion('insurance_policy_versions_key', expectedVersion, () =>
        db
          .insert(insurancePolicyVersions)
          .values({
            organizationId: clinicId,
            patientUserId: patientId,
            version: expectedVersion + 1,
            recordedBy: actorId,
            changeReason,
            status,
            ...sealedRow(policyId, fields),
          })
          .returning(),
      );
      return toView(row!, await directory.names([actorId]));
    },

    async history(clinicId: string, patientId: string, policyId: string) {
      const rows = await versionsOf(clinicId, patientId, policyId);
      if (!rows.length) throw new AppError('not-found', 'No such insurance policy in this chart.');
      const opened = rows.map(plain);
      return historyView(opened, policyFields, directory);
    },
  };
}

export type InsuranceService = ReturnType<typeof createInsuranceService>;
