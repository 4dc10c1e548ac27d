import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { and, desc, eq, isNull } from 'drizzle-orm';
import {
  documentMediaTypes,
  PROVIDER_PHOTO_MAX_BYTES,
  providerPhotoMediaTypes,
  type DocumentCategory,
  type PatientDocument,
  type ProviderPhoto,
} from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { documents } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import { AppError } from '../../platform/errors.js';
import type { AccessBasis } from '../../platform/record-access.js';
import type { DownloadLink, ObjectStorage } from '../../platform/storage/object-storage.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import { mayReach, reachableCategories } from './document-access.js';
import { downloadFileName } from './download-name.js';
import { cleanFileName, inspectUpload } from './upload-inspection.js';

export interface DocumentDeps {
  db: AppDatabase;
  clock: Clock;
  storage: ObjectStorage;
  directory: PeopleDirectory;
  /** The key ring that seals local objects' data keys (for re-sealing after rotation). */
  cipher: FieldCipher;
  maxBytes: number;
}

/** Who is acting on a patient's documents, and on what basis the access policy let them. */
export interface DocumentActor {
  userId: string;
  basis: AccessBasis;
}

/** Told when a provider's photo changes (the providers module keeps photoDocumentId). */
export type ProviderPhotoListener = (
  clinicId: string,
  providerId: string,
  documentId: string,
) => Promise<void>;

type DocumentRow = typeof documents.$inferSelect;

/** A file on its way in: the multipart part's stream and what the client said about it. */
export interface IncomingFile {
  stream: Readable;
  fileName: string | undefined;
}

const PHOTO_CATEGORY = 'provider-photo';
const describeDocuments = 'a PDF, JPEG, PNG or HEIC file';
const describePhotos = 'a JPEG or PNG image';

/** Documents and their bytes: this service owns the `documents` table. */
export function createDocumentService(deps: DocumentDeps) {
  const { db, clock, storage, directory } = deps;
  const photoListeners: ProviderPhotoListener[] = [];
  const photoMaxBytes = Math.min(PROVIDER_PHOTO_MAX_BYTES, deps.maxBytes);

  const notFound = () => new AppError('not-found', 'No document with this id in this record.');

  /** Stores the bytes first, then the row: a row never points at a missing object. */
  async function store(
    input: {
      id: string;
      clinicId: string;
      patientId: string | null;
      ownerId: string | null;
      uploadedBy: string;
      category: string;
      file: IncomingFile;
    },
    limits: { maxBytes: number; accepted: readonly string[]; describeAccepted: string },
  ): Promise<DocumentRow> {
    const inspected = await inspectUpload(input.file.stream, limits);
    const { id } = input;
    const storageKey = `documents/${input.clinicId}/${id}`;
    const { wrappedKey } = await storage.put(storageKey, inspected.body, {
      contentType: inspected.mediaType,
    });
    const { sizeBytes, sha256 } = inspected.digest();
    const [row] = await db
      .insert(documents)
      .values({
        id,
        organizationId: input.clinicId,
        patientUserId: input.patientId,
        ownerUserId: input.ownerId,
        uploadedBy: input.uploadedBy,
        category: input.category,
        fileName: cleanFileName(input.file.fileName),
        mediaType: inspected.mediaType,
        sizeBytes,
        sha256,
        storageBackend: storage.backend,
        storageKey,
        wrappedKey,
        createdAt: clock.now(),
      })
      .returning();
    return row!;
  }

  async function present(rows: DocumentRow[]): Promise<PatientDocument[]> {
    const names = await directory.names(
      rows.flatMap((r) => [r.uploadedBy, ...(r.retractedBy ? [r.retractedBy] : [])]),
    );
    const person = (id: string) => ({ id, displayName: names.get(id) ?? 'Unknown' });
    return rows.map((r) => ({
      id: r.id,
      category: r.category as DocumentCategory,
      fileName: r.fileName,
      mediaType: r.mediaType as PatientDocument['mediaType'],
      sizeBytes: r.sizeBytes,
      sha256: r.sha256,
      createdAt: r.createdAt.toISOString(),
      uploadedBy: person(r.uploadedBy),
      retracted:
        r.retractedAt && r.retractedBy
          ? {
              at: r.retractedAt.toISOString(),
              by: person(r.retractedBy),
              reason: r.retractReason ?? '',
            }
          : null,
    }));
  }

  async function chartDocument(clinicId: string, patientId: string, documentId: string) {
    const [row] = await db
      .select()
      .from(documents)
      .where(
        and(
          eq(documents.id, documentId),
          eq(documents.organizationId, clinicId),
          eq(documents.patientUserId, patientId),
        ),
      );
    return row;
  }

  /** A chart document the viewer may reach; another patient's, or out of reach: 404/403. */
  async function reachable(
    clinicId: string,
    patientId: string,
    documentId: string,
    basis: AccessBasis,
  ) {
    const row = await chartDocument(clinicId, patientId, documentId);
    if (!row) throw notFound();
    if (!mayReach(basis, row.category)) {
      throw new AppError(
        'forbidden',
        'Clinical documents are for the patient and their providers.',
      );
    }
    return row;
  }

  async function currentPhoto(clinicId: string, providerId: string) {
    const [row] = await db
      .select()
      .from(documents)
      .where(
        and(
          eq(documents.organizationId, clinicId),
          eq(documents.ownerUserId, providerId),
          eq(documents.category, PHOTO_CATEGORY),
          isNull(documents.patientUserId),
          isNull(documents.retractedAt),
        ),
      )
      .orderBy(desc(documents.createdAt))
      .limit(1);
    return row;
  }

  const photoOf = (row: DocumentRow): ProviderPhoto => ({
    documentId: row.id,
    mediaType: row.mediaType as ProviderPhoto['mediaType'],
    sizeBytes: row.sizeBytes,
    createdAt: row.createdAt.toISOString(),
  });

  return {
    maxBytes: deps.maxBytes,

    /**
     * Adds a file to a patient's chart, as `documentId` (the id the audit event committed
     * before the upload names). Staff may add the administrative categories only.
     */
    async upload(input: {
      documentId: string;
      clinicId: string;
      patientId: string;
      actor: DocumentActor;
      category: DocumentCategory;
      file: IncomingFile;
    }): Promise<PatientDocument> {
      if (!mayReach(input.actor.basis, input.category)) {
        throw new AppError(
          'forbidden',
          'Staff may add insurance cards and identification only; clinical documents come from the patient or their providers.',
        );
      }
      const row = await store(
        {
          id: input.documentId,
          clinicId: input.clinicId,
          patientId: input.patientId,
          ownerId: null,
          uploadedBy: input.actor.userId,
          category: input.category,
          file: input.file,
        },
        {
          maxBytes: deps.maxBytes,
          accepted: documentMediaTypes,
          describeAccepted: describeDocuments,
        },
      );
      return (await present([row]))[0]!;
    },

    /** The chart's documents the viewer may see, newest first, retracted ones marked. */
    async list(clinicId: string, patientId: string, basis: AccessBasis) {
      const rows = await db
        .select()
        .from(documents)
        .where(and(eq(documents.organizationId, clinicId), eq(documents.patientUserId, patientId)))
        .orderBy(desc(documents.createdAt), desc(documents.id));
      return {
        documents: await present(rows.filter((r) => mayReach(basis, r.category))),
        maxBytes: deps.maxBytes,
        uploadCategories: reachableCategories(basis),
      };
    },

    /** Finds a document to download (checks reach; the caller audits before delivering). */
    find: reachable,

    /**
     * How to hand the bytes over: a short-lived link when the store signs one (S3), else a
     * stream of the decrypted bytes through the app.
     */
    async deliver(
      row: DocumentRow,
    ): Promise<{ link: DownloadLink } | { stream: Readable; sizeBytes: number; fileName: string }> {
      // Saved under the detected type's extension, whatever the uploader's name ended in.
      const fileName = downloadFileName(row.fileName, row.mediaType);
      if (storage.downloadLink) {
        return {
          link: await storage.downloadLink(row.storageKey, {
            fileName,
            contentType: row.mediaType,
          }),
        };
      }
      return {
        stream: await storage.get(row.storageKey, row.wrappedKey),
        sizeBytes: row.sizeBytes,
        fileName,
      };
    },

    /**
     * Marks a document as withdrawn (never deleted): by whoever uploaded it, or a provider
     * caring for the patient. Retracting again changes nothing and answers the same.
     */
    async retract(
      clinicId: string,
      patientId: string,
      documentId: string,
      actor: DocumentActor,
      reason: string,
    ): Promise<PatientDocument> {
      const row = await reachable(clinicId, patientId, documentId, actor.basis);
      const provider = actor.basis === 'care-relationship' || actor.basis === 'break-glass';
      if (!provider && row.uploadedBy !== actor.userId) {
        throw new AppError(
          'forbidden',
          'Only the person who added a document, or a provider caring for the patient, may retract it.',
        );
      }
      if (!row.retractedAt) {
        await db
          .update(documents)
          .set({ retractedAt: clock.now(), retractedBy: actor.userId, retractReason: reason })
          .where(and(eq(documents.id, row.id), isNull(documents.retractedAt)));
      }
      return (await present([(await chartDocument(clinicId, patientId, documentId))!]))[0]!;
    },

    /**
     * For other modules that point at a document (an insurance card's images): throws a 4xx
     * unless it is this patient's, not retracted, and (when given) of this category.
     */
    async assertPatientDocument(
      clinicId: string,
      patientId: string,
      documentId: string,
      category?: DocumentCategory,
    ): Promise<void> {
      const row = await chartDocument(clinicId, patientId, documentId);
      if (!row || row.retractedAt) throw notFound();
      if (category && row.category !== category) {
        throw new AppError('validation', `That document is not filed as ${category}.`, [
          { path: 'body.documentId', message: `Choose a document filed as ${category}.` },
        ]);
      }
    },

    /** A provider's current photo, if they have one (for the providers module). */
    async providerPhoto(clinicId: string, providerId: string): Promise<ProviderPhoto | undefined> {
      const row = await currentPhoto(clinicId, providerId);
      return row ? photoOf(row) : undefined;
    },

    /** Registers the providers module's interest in photo changes (keeps photoDocumentId). */
    onProviderPhotoChange(listener: ProviderPhotoListener) {
      photoListeners.push(listener);
    },

    /** Stores a provider's new photo; the previous one is retracted, kept for the record. */
    async uploadProviderPhoto(input: {
      clinicId: string;
      providerId: string;
      uploadedBy: string;
      file: IncomingFile;
    }): Promise<ProviderPhoto> {
      if (!(await directory.holdsRole(input.clinicId, input.providerId, 'provider'))) {
        throw new AppError('not-found', 'No provider with this id at this clinic.');
      }
      const previous = await currentPhoto(input.clinicId, input.providerId);
      const row = await store(
        {
          // Not an audited create (a photo is not patient data): a fresh id.
          id: randomUUID(),
          clinicId: input.clinicId,
          patientId: null,
          ownerId: input.providerId,
          uploadedBy: input.uploadedBy,
          category: PHOTO_CATEGORY,
          file: { stream: input.file.stream, fileName: input.file.fileName ?? 'photo' },
        },
        {
          maxBytes: photoMaxBytes,
          accepted: providerPhotoMediaTypes,
          describeAccepted: describePhotos,
        },
      );
      if (previous) {
        await db
          .update(documents)
          .set({
            retractedAt: clock.now(),
            retractedBy: input.uploadedBy,
            retractReason: 'Replaced by a new photo.',
          })
          .where(and(eq(documents.id, previous.id), isNull(documents.retractedAt)));
      }
      for (const listener of photoListeners) {
        await listener(input.clinicId, input.providerId, row.id);
      }
      return photoOf(row);
    },

    /** The bytes of a provider's current photo (always through the app: img-src 'self'). */
    async openProviderPhoto(clinicId: string, providerId: string) {
      const row = await currentPhoto(clinicId, providerId);
      if (!row) throw new AppError('not-found', 'This provider has no photo.');
      return {
        mediaType: row.mediaType,
        sizeBytes: row.sizeBytes,
        stream: await storage.get(row.storageKey, row.wrappedKey),
      };
    },
  };
}

export type DocumentService = ReturnType<typeof createDocumentService>;
