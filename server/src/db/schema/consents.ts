import { boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { organizations } from './organizations.js';
import { users } from './users.js';

/**
 * A consent document version (telehealth consent, notice of privacy practices, financial
 * policy). Published versions are immutable; the newest per kind is the current one.
 */
export const consentDocuments = pgTable(
  'consent_documents',
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    /** telehealth | privacy-notice | financial-policy */
    kind: text().notNull(),
    version: integer().notNull(),
    title: text().notNull(),
    /** Plain text (paragraphs separated by blank lines). */
    body: text().notNull(),
    /** Hex SHA-256 of kind, version, title and body: what a signature attests to. */
    contentHash: text().notNull(),
    /** Must be signed before booking. */
    required: boolean().notNull(),
    publishedAt: utcTimestamp().notNull().defaultNow(),
    publishedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
  },
  (t) => [uniqueIndex('consent_documents_version_key').on(t.organizationId, t.kind, t.version)],
);

/** A patient's signature on one consent version: typed name, time, address, hash. */
export const consentSignatures = pgTable(
  'consent_signatures',
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    patientUserId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    consentDocumentId: uuid()
      .notNull()
      .references(() => consentDocuments.id, { onDelete: 'restrict' }),
    typedName: text().notNull(),
    signedAt: utcTimestamp().notNull().defaultNow(),
    ipAddress: text().notNull(),
    userAgent: text(),
    /** The document's content hash at signing, so the signature names exactly what was read. */
    contentHash: text().notNull(),
  },
  (t) => [
    uniqueIndex('consent_signatures_key').on(t.patientUserId, t.consentDocumentId),
    index('consent_signatures_patient_idx').on(t.organizationId, t.patientUserId),
  ],
);
