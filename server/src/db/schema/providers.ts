import { sql } from 'drizzle-orm';
import { date, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, utcTimestamp } from './columns.js';
import { documents } from './documents.js';
import { organizations } from './organizations.js';
import { users } from './users.js';

/** A provider's professional profile at a clinic (what patients see when choosing). */
export const providerProfiles = pgTable(
  'provider_profiles',
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    providerUserId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    /** e.g. MD, DO, NP, PA-C, LCSW */
    credentials: text(),
    specialties: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** National Provider Identifier: 10 digits, Luhn check with the 80840 prefix. */
    npi: text(),
    /** BCP 47 tags. */
    languages: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    bio: text(),
    photoDocumentId: uuid().references(() => documents.id, { onDelete: 'restrict' }),
    /** IANA zone the provider works in (availability is set in it). */
    timeZone: text(),
    updatedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('provider_profiles_provider_key').on(t.organizationId, t.providerUserId),
    uniqueIndex('provider_profiles_npi_key')
      .on(t.organizationId, t.npi)
      .where(sql`${t.npi} is not null`),
  ],
);

/**
 * A state license. Telehealth follows the patient: a provider may see a patient only while
 * holding an active (unexpired, unrevoked) license in the state where the patient is.
 */
export const providerLicenses = pgTable(
  'provider_licenses',
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'restrict' }),
    providerUserId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    /** Two-letter US state (or DC/territory) code. */
    state: text().notNull(),
    licenseNumber: text().notNull(),
    /** Last day the license is valid (inclusive). */
    expiresOn: date({ mode: 'string' }).notNull(),
    createdAt: utcTimestamp().notNull().defaultNow(),
    createdBy: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    revokedAt: utcTimestamp(),
    revokedBy: uuid().references(() => users.id, { onDelete: 'restrict' }),
  },
  (t) => [
    // One live license per provider and state; renewing revokes the old row, keeping it.
    uniqueIndex('provider_licenses_active_key')
      .on(t.organizationId, t.providerUserId, t.state)
      .where(sql`${t.revokedAt} is null`),
    index('provider_licenses_state_idx').on(t.organizationId, t.state),
  ],
);
