import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { organizations } from './organizations.js';
import { users } from './users.js';

/**
 * An uploaded file's metadata. The bytes live in object storage (encrypted local disk or
 * S3) under `storageKey`; the type was detected from the content, the hash taken while
 * streaming. Documents are never deleted: a retracted one stays, marked, for the record.
 */
export const documents = pgTable(
  'documents',
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    /** The patient whose chart holds it; null for a provider's own file (their photo). */
    patientUserId: uuid().references(() => users.id, { onDelete: 'restrict' }),
    /** Whose file it is when it is not in a chart (a provider's photo). */
    ownerUserId: uuid().references(() => users.id, { onDelete: 'restrict' }),
    uploadedBy: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    /** insurance-card | lab-result | imaging | referral | identification | visit | provider-photo | other */
    category: text().notNull(),
    /** The name the uploader gave, cleaned; may itself be PHI, so never logged. */
    fileName: text().notNull(),
    /** Detected from the content: application/pdf | image/jpeg | image/png | image/heic */
    mediaType: text().notNull(),
    sizeBytes: integer().notNull(),
    /** Hex SHA-256 of the plaintext bytes. */
    sha256: text().notNull(),
    /** local | s3 */
    storageBackend: text().notNull(),
    storageKey: text().notNull(),
    /** The per-object data key, sealed by the key ring (local backend only). */
    wrappedKey: text(),
    createdAt: utcTimestamp().notNull().defaultNow(),
    retractedAt: utcTimestamp(),
    retractedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
    retractReason: text(),
  },
  (t) => [
    index('documents_chart_idx').on(t.organizationId, t.patientUserId, t.createdAt),
    index('documents_owner_idx').on(t.organizationId, t.ownerUserId),
  ],
);
