import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, utcTimestamp } from './columns.js';
import { documents } from './documents.js';
import { organizations } from './organizations.js';
import { users } from './users.js';

/*
 * The patient chart. Clinical data is never updated in place: every change appends a new
 * version row (who, when, why), so the history is the table itself and nothing is lost.
 * The current state is the highest version per entity; (entity, version) is unique, which
 * also turns two concurrent edits of the same version into one winner and one conflict.
 */

const chartOwner = () => ({
  organizationId: uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: 'restrict' }),
  patientUserId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: 'restrict' }),
});

const versionStamp = () => ({
  version: integer().notNull(),
  recordedBy: uuid()
    .notNull()
    .references(() => users.id, { onDelete: 'restrict' }),
  recordedAt: utcTimestamp().notNull().defaultNow(),
  /** Why it changed, when someone said (e.g. an accepted correction request). */
  changeReason: text(),
});

/** Who the patient is: demographics and contact details, one row per version. */
export const patientProfileVersions = pgTable(
  'patient_profile_versions',
  {
    id: id(),
    ...chartOwner(),
    ...versionStamp(),
    legalName: text().notNull(),
    preferredName: text(),
    birthDate: date({ mode: 'string' }),
    /** female | male | intersex | unknown | declined */
    sexAtBirth: text(),
    genderIdentity: text(),
    pronouns: text(),
    phone: text(),
    addressLine1: text(),
    addressLine2: text(),
    city: text(),
    /** Two-letter US state (or DC/territory) code: decides which providers may see them. */
    state: text(),
    postalCode: text(),
    /** BCP 47 tag, e.g. en, es, zh-Hant. */
    preferredLanguage: text(),
    /** IANA zone, e.g. America/Chicago. */
    timeZone: text(),
    emergencyContactName: text(),
    emergencyContactRelationship: text(),
    emergencyContactPhone: text(),
    primaryCareProvider: text(),
  },
  (t) => [
    uniqueIndex('patient_profile_versions_key').on(t.organizationId, t.patientUserId, t.version),
    check('patient_profile_versions_version_check', sql`${t.version} >= 1`),
  ],
);

/**
 * Allergies, medications and conditions: a simple coded list with a free-text fallback.
 * `itemId` names the item across its versions; removing one is a version whose status is
 * `inactive` (no longer true) or `entered-in-error` (never was).
 */
export const healthItemVersions = pgTable(
  'health_item_versions',
  {
    id: id(),
    itemId: uuid().notNull(),
    ...chartOwner(),
    ...versionStamp(),
    /** allergy | medication | condition */
    kind: text().notNull(),
    /** A code system URI (SNOMED CT, RxNorm, ICD-10-CM) when coded; null for free text. */
    codeSystem: text(),
    code: text(),
    display: text().notNull(),
    /** Reaction (allergy), dose and frequency (medication), notes (condition). */
    detail: text(),
    /** mild | moderate | severe (allergies) */
    severity: text(),
    /** active | inactive | entered-in-error */
    status: text().notNull(),
    onsetDate: date({ mode: 'string' }),
  },
  (t) => [
    uniqueIndex('health_item_versions_key').on(t.itemId, t.version),
    index('health_item_versions_chart_idx').on(t.organizationId, t.patientUserId, t.kind),
  ],
);

/** Insurance coverage. The member id is sealed (field encryption), never stored plain. */
export const insurancePolicyVersions = pgTable(
  'insurance_policy_versions',
  {
    id: id(),
    policyId: uuid().notNull(),
    ...chartOwner(),
    ...versionStamp(),
    /** primary | secondary */
    rank: text().notNull(),
    payer: text().notNull(),
    plan: text(),
    /** AES-256-GCM sealed member id (platform/crypto/field-cipher), with its key id. */
    memberIdSealed: text().notNull(),
    groupNumber: text(),
    /** self | spouse | child | other */
    subscriberRelationship: text().notNull(),
    subscriberName: text(),
    cardFrontDocumentId: uuid().references(() => documents.id, { onDelete: 'restrict' }),
    cardBackDocumentId: uuid().references(() => documents.id, { onDelete: 'restrict' }),
    /** active | inactive */
    status: text().notNull(),
  },
  (t) => [
    uniqueIndex('insurance_policy_versions_key').on(t.policyId, t.version),
    index('insurance_policy_versions_chart_idx').on(t.organizationId, t.patientUserId),
  ],
);

/**
 * HIPAA 164.526: a patient asks for their record to be amended; staff accept (and make the
 * change, which records the request as its reason) or deny with a written reason.
 */
export const correctionRequests = pgTable(
  'correction_requests',
  {
    id: id(),
    ...chartOwner(),
    /** profile | health-history | insurance | visit-record | other */
    section: text().notNull(),
    /** What is wrong and what it should say, in the patient's words. */
    requestedChange: text().notNull(),
    createdAt: utcTimestamp().notNull().defaultNow(),
    /** pending | accepted | denied */
    status: text().notNull().default('pending'),
    decidedAt: utcTimestamp(),
    decidedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
    decisionReason: text(),
  },
  (t) => [
    index('correction_requests_chart_idx').on(t.organizationId, t.patientUserId, t.createdAt),
    index('correction_requests_queue_idx').on(t.organizationId, t.status, t.createdAt),
    check(
      'correction_requests_decision_check',
      sql`(${t.status} = 'pending') = (${t.decidedAt} is null)`,
    ),
  ],
);
