import { and, asc, desc, eq, max } from 'drizzle-orm';
import {
  consentKindLabels,
  consentKinds,
  type ConsentKind,
  type ConsentStatus,
} from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { consentDocuments, consentSignatures } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { databaseFault } from '../../platform/database-errors.js';
import { AppError } from '../../platform/errors.js';
import { consentContentHash, normalizeConsentText } from './content-hash.js';
import { nameBasedId } from '../../platform/name-based-id.js';

type DocumentRow = typeof consentDocuments.$inferSelect;

export interface ConsentDeps {
  db: AppDatabase;
  clock: Clock;
}

/**
 * A signature's id: one per patient and document version, so the audit event (written
 * before the signature) names it, and signing again names the same one.
 */
export const signatureIdFor = (patientId: string, consentDocumentId: string) =>
  nameBasedId(`consent-signature:${patientId}:${consentDocumentId}`);

/** Where a signature came from: recorded with it, as evidence of who signed and how. */
export interface SigningContext {
  ipAddress: string;
  userAgent: string | undefined;
}

const kindOrder = (kind: string) => consentKinds.indexOf(kind as ConsentKind);

export const documentView = (d: DocumentRow) => ({
  id: d.id,
  kind: d.kind as ConsentKind,
  version: d.version,
  title: d.title,
  body: d.body,
  contentHash: d.contentHash,
  required: d.required,
  publishedAt: d.publishedAt.toISOString(),
});

/** Consent documents (versioned, immutable once published) and patients' signatures. */
export function createConsentService(deps: ConsentDeps) {
  const { db, clock } = deps;

  /** The newest version of each kind: the one patients are asked to sign. */
  async function currentDocuments(clinicId: string): Promise<DocumentRow[]> {
    const rows = await db
      .selectDistinctOn([consentDocuments.kind])
      .from(consentDocuments)
      .where(eq(consentDocuments.organizationId, clinicId))
      .orderBy(consentDocuments.kind, desc(consentDocuments.version));
    return rows.sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind));
  }

  async function status(clinicId: string, patientId: string): Promise<ConsentStatus> {
    const [current, signatures] = await Promise.all([
      currentDocuments(clinicId),
      db
        .select({
          consentDocumentId: consentSignatures.consentDocumentId,
          signedAt: consentSignatures.signedAt,
          kind: consentDocuments.kind,
          version: consentDocuments.version,
        })
        .from(consentSignatures)
        .innerJoin(consentDocuments, eq(consentDocuments.id, consentSignatures.consentDocumentId))
        .where(
          and(
            eq(consentSignatures.organizationId, clinicId),
            eq(consentSignatures.patientUserId, patientId),
          ),
        )
        .orderBy(desc(consentDocuments.version)),
    ]);
    const consents = current.map((doc) => {
      const newest = signatures.find((s) => s.kind === doc.kind);
      const signed = signatures.some((s) => s.consentDocumentId === doc.id);
      return {
        kind: doc.kind as ConsentKind,
        required: doc.required,
        current: {
          id: doc.id,
          version: doc.version,
          title: doc.title,
          contentHash: doc.contentHash,
          publishedAt: doc.publishedAt.toISOString(),
        },
        signed,
        signedAt: newest?.signedAt.toISOString() ?? null,
        signedVersion: newest?.version ?? null,
        resign: !signed && newest !== undefined,
      };
    });
    return {
      consents,
      missingRequired: consents.filter((c) => c.required && !c.signed).map((c) => c.kind),
    };
  }

  return {
    currentDocuments,

    /** Every version ever published, newest first (admins). */
    async history(clinicId: string) {
      return db
        .select()
        .from(consentDocuments)
        .where(eq(consentDocuments.organizationId, clinicId))
        .orderBy(desc(consentDocuments.publishedAt), asc(consentDocuments.kind));
    },

    /**
     * Publishes the next version of a kind. Earlier signatures stay valid for the version
     * they name; patients are asked to sign the new one.
     */
    async publish(
      clinicId: string,
      input: { kind: ConsentKind; title: string; body: string; required: boolean },
      by: string,
      id?: string,
    ) {
      const title = normalizeConsentText(input.title);
      const body = normalizeConsentText(input.body);
      try {
        return await db.transaction(async (tx) => {
          const [latest] = await tx
            .select({ version: max(consentDocuments.version) })
            .from(consentDocuments)
            .where(
              and(
                eq(consentDocuments.organizationId, clinicId),
                eq(consentDocuments.kind, input.kind),
              ),
            );
          const version = (latest?.version ?? 0) + 1;
          const [created] = await tx
            .insert(consentDocuments)
            .values({
              ...(id ? { id } : {}),
              organizationId: clinicId,
              kind: input.kind,
              version,
              title,
              body,
              contentHash: consentContentHash({ kind: input.kind, version, title, body }),
              required: input.required,
              publishedAt: clock.now(),
              publishedBy: by,
            })
            .returning();
          return documentView(created!);
        });
      } catch (err) {
        const fault = databaseFault(err);
        if (fault?.sqlState === '23505' && fault.constraint === 'consent_documents_version_key') {
          throw new AppError(
            'conflict',
            'Another version of this document was published at the same moment. Reload and check it before publishing.',
          );
        }
        throw err;
      }
    },

    /**
     * The patient signs the current version of a document. `contentHash` must be the
     * version's own: it proves the signer was shown exactly this text. Signing a version
     * twice keeps the first signature (`created: false`).
     */
    async sign(
      clinicId: string,
      patientId: string,
      input: { consentDocumentId: string; typedName: string; contentHash: string },
      context: SigningContext,
    ) {
      const [doc] = await db
        .select()
        .from(consentDocuments)
        .where(
          and(
            eq(consentDocuments.organizationId, clinicId),
            eq(consentDocuments.id, input.consentDocumentId),
          ),
        );
      if (!doc) throw new AppError('not-found', 'No consent document with this id.');
      // A stored document whose text no longer matches its hash was altered after
      // publication: nobody may sign it (a server fault, not the signer's).
      if (consentContentHash(doc) !== doc.contentHash) {
        throw new Error('consent document content does not match its hash');
      }
      const current = (await currentDocuments(clinicId)).find((d) => d.kind === doc.kind)!;
      if (current.id !== doc.id) {
        throw new AppError(
          'consent-version-changed',
          `Version ${current.version} of the ${consentKindLabels[doc.kind as ConsentKind].toLowerCase()} has been published since version ${doc.version}. Read the current version and sign it.`,
        );
      }
      if (input.contentHash !== doc.contentHash) {
        throw new AppError(
          'consent-version-changed',
          'The text you were shown is not the current version of this document. Reload it, read it and sign again.',
        );
      }
      const [created] = await db
        .insert(consentSignatures)
        .values({
          id: signatureIdFor(patientId, doc.id),
          organizationId: clinicId,
          patientUserId: patientId,
          consentDocumentId: doc.id,
          typedName: input.typedName,
          signedAt: clock.now(),
          ipAddress: context.ipAddress,
          userAgent: context.userAgent?.slice(0, 500) ?? null,
          contentHash: doc.contentHash,
        })
        .onConflictDoNothing({
          target: [consentSignatures.patientUserId, consentSignatures.consentDocumentId],
        })
        .returning();
      const signature =
        created ??
        (
          await db
            .select()
            .from(consentSignatures)
            .where(
              and(
                eq(consentSignatures.patientUserId, patientId),
                eq(consentSignatures.consentDocumentId, doc.id),
              ),
            )
        )[0]!;
      return {
        created: created !== undefined,
        signature: {
          id: signature.id,
          consentDocumentId: doc.id,
          kind: doc.kind as ConsentKind,
          version: doc.version,
          typedName: signature.typedName,
          signedAt: signature.signedAt.toISOString(),
          contentHash: signature.contentHash,
        },
      };
    },

    status,

    /** The required kinds whose current version the patient has not signed. */
    async missingRequiredConsents(clinicId: string, patientId: string): Promise<ConsentKind[]> {
      return (await status(clinicId, patientId)).missingRequired;
    },

    /**
     * Throws `consent-required` (409: nothing is wrong with the request, the patient must
     * sign first) listing the documents still to sign. Booking calls it.
     */
    async assertConsented(clinicId: string, patientId: string): Promise<void> {
      const missing = (await status(clinicId, patientId)).missingRequired;
      if (!missing.length) return;
      const names = missing.map((kind) => consentKindLabels[kind].toLowerCase()).join(', ');
      throw new AppError(
        'consent-required',
        `Read and sign the current ${names} first (missing: ${missing.join(', ')}).`,
      );
    },
  };
}

export type ConsentService = ReturnType<typeof createConsentService>;
