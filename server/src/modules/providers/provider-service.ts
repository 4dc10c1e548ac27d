import { and, eq, isNull, ne } from 'drizzle-orm';
import type {
  LicenseCreate,
  ProviderLicenseView,
  ProviderProfile,
  providerProfileUpdateSchema,
} from '@openvisit/contracts';
import type { z } from 'zod';
import type { AppDatabase } from '../../db/client.js';
import { providerLicenses, providerProfiles } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { databaseFault } from '../../platform/database-errors.js';
import { AppError } from '../../platform/errors.js';
import type { DirectoryEntry, PeopleDirectory } from '../identity/people-directory.js';
import { decideLicensing, isLicenseActive } from './licensing.js';

type ProfileUpdate = z.output<typeof providerProfileUpdateSchema>;
type ProfileRow = typeof providerProfiles.$inferSelect;
type LicenseRow = typeof providerLicenses.$inferSelect;

/** Who is looking: admins and the provider themself see license numbers and history. */
export interface ProfileViewer {
  userId: string;
  roles: string[];
}

export interface ProviderDeps {
  db: AppDatabase;
  clock: Clock;
  directory: PeopleDirectory;
}

const isUniqueViolation = (err: unknown, constraint: string) => {
  const fault = databaseFault(err);
  return fault?.sqlState === '23505' && fault.constraint === constraint;
};

/** Provider profiles and state licenses: this service owns their tables. */
export function createProviderService(deps: ProviderDeps) {
  const { db, clock, directory } = deps;

  async function assertProvider(clinicId: string, providerId: string) {
    const [provider] = await directory.withRole(clinicId, 'provider', { ids: [providerId] });
    if (!provider) throw new AppError('not-found', 'No provider with this id at this clinic.');
    return provider;
  }

  function licenseView(license: LicenseRow, detailed: boolean, now: Date): ProviderLicenseView {
    const active = isLicenseActive(license, now);
    if (!detailed) return { state: license.state, active };
    return {
      state: license.state,
      active,
      id: license.id,
      licenseNumber: license.licenseNumber,
      expiresOn: license.expiresOn,
      status: license.revokedAt ? 'revoked' : active ? 'active' : 'expired',
      revokedAt: license.revokedAt?.toISOString() ?? null,
    };
  }

  function profileView(
    provider: DirectoryEntry,
    profile: ProfileRow | undefined,
    licenses: LicenseRow[],
    viewer: ProfileViewer,
  ): ProviderProfile {
    const detailed = viewer.roles.includes('admin') || viewer.userId === provider.id;
    const now = clock.now();
    // Revoked rows are history: only those who manage licenses see them.
    const shown = (detailed ? licenses : licenses.filter((l) => l.revokedAt === null)).sort(
      (a, b) =>
        a.state.localeCompare(b.state) ||
        Number(a.revokedAt !== null) - Number(b.revokedAt !== null) ||
        b.createdAt.getTime() - a.createdAt.getTime(),
    );
    return {
      providerId: provider.id,
      displayName: provider.displayName,
      credentials: profile?.credentials ?? null,
      specialties: profile?.specialties ?? [],
      npi: profile?.npi ?? null,
      languages: profile?.languages ?? [],
      bio: profile?.bio ?? null,
      hasPhoto: Boolean(profile?.photoDocumentId),
      photoId: profile?.photoDocumentId ?? null,
      timeZone: profile?.timeZone ?? null,
      licenses: shown.map((l) => licenseView(l, detailed, now)),
      detailed,
    };
  }

  async function profilesAndLicenses(clinicId: string, providerIds?: string[]) {
    const byProvider = providerIds?.length === 1 ? providerIds[0] : undefined;
    const [profiles, licenses] = await Promise.all([
      db
        .select()
        .from(providerProfiles)
        .where(
          and(
            eq(providerProfiles.organizationId, clinicId),
            byProvider ? eq(providerProfiles.providerUserId, byProvider) : undefined,
          ),
        ),
      db
        .select()
        .from(providerLicenses)
        .where(
          and(
            eq(providerLicenses.organizationId, clinicId),
            byProvider ? eq(providerLicenses.providerUserId, byProvider) : undefined,
          ),
        ),
    ]);
    const profileOf = new Map(profiles.map((p) => [p.providerUserId, p]));
    const licensesOf = (id: string) => licenses.filter((l) => l.providerUserId === id);
    return { profileOf, licensesOf };
  }

  return {
    /**
     * The clinic's active providers as its members see them; with `state`, only those
     * who may see a patient located there now (the licensing rule decides).
     */
    async list(clinicId: string, viewer: ProfileViewer, filter: { state?: string | undefined }) {
      const providers = (await directory.withRole(clinicId, 'provider')).filter(
        (p) => p.status === 'active',
      );
      const { profileOf, licensesOf } = await profilesAndLicenses(clinicId);
      const now = clock.now();
      return providers
        .filter((p) => !filter.state || decideLicensing(licensesOf(p.id), filter.state, now).ok)
        .map((p) => profileView(p, profileOf.get(p.id), licensesOf(p.id), viewer));
    },

    async get(clinicId: string, providerId: string, viewer: ProfileViewer) {
      const provider = await assertProvider(clinicId, providerId);
      const { profileOf, licensesOf } = await profilesAndLicenses(clinicId, [providerId]);
      return profileView(provider, profileOf.get(providerId), licensesOf(providerId), viewer);
    },

    /** Replaces the editable part of a profile (creating it on first save). */
    async update(clinicId: string, providerId: string, input: ProfileUpdate, by: string) {
      await assertProvider(clinicId, providerId);
      const npiTaken = () =>
        new AppError(
          'conflict',
          'Another provider at this clinic already has this NPI. Check the number.',
        );
      if (input.npi) {
        const [other] = await db
          .select({ id: providerProfiles.id })
          .from(providerProfiles)
          .where(
            and(
              eq(providerProfiles.organizationId, clinicId),
              eq(providerProfiles.npi, input.npi),
              ne(providerProfiles.providerUserId, providerId),
            ),
          )
          .limit(1);
        if (other) throw npiTaken();
      }
      const values = { ...input, updatedBy: by, updatedAt: clock.now() };
      try {
        await db
          .insert(providerProfiles)
          .values({
            organizationId: clinicId,
            providerUserId: providerId,
            createdAt: clock.now(),
            ...values,
          })
          .onConflictDoUpdate({
            target: [providerProfiles.organizationId, providerProfiles.providerUserId],
            set: values,
          });
      } catch (err) {
        // Two saves racing for one NPI: the index decides, the loser hears why.
        if (isUniqueViolation(err, 'provider_profiles_npi_key')) throw npiTaken();
        throw err;
      }
    },

    /** The documents module stored a new photo for the provider: the profile points at it. */
    async setPhoto(clinicId: string, providerId: string, documentId: string) {
      const now = clock.now();
      await db
        .insert(providerProfiles)
        .values({
          organizationId: clinicId,
          providerUserId: providerId,
          photoDocumentId: documentId,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: [providerProfiles.organizationId, providerProfiles.providerUserId],
          set: { photoDocumentId: documentId, updatedAt: now },
        });
    },

    /**
     * Records a state license. A live license for the same state is revoked (kept) and
     * replaced: renewals and corrections leave the old row in the history.
     */
    async addLicense(clinicId: string, providerId: string, input: LicenseCreate, by: string) {
      await assertProvider(clinicId, providerId);
      const now = clock.now();
      const candidate = { id: '', state: input.state, expiresOn: input.expiresOn, revokedAt: null };
      if (!isLicenseActive(candidate, now)) {
        throw new AppError('validation', 'One or more fields are not valid.', [
          {
            path: 'body.expiresOn',
            message: 'This date has passed: enter the expiry date of a license still valid.',
          },
        ]);
      }
      try {
        return await db.transaction(async (tx) => {
          const [replaced] = await tx
            .update(providerLicenses)
            .set({ revokedAt: now, revokedBy: by })
            .where(
              and(
                eq(providerLicenses.organizationId, clinicId),
                eq(providerLicenses.providerUserId, providerId),
                eq(providerLicenses.state, input.state),
                isNull(providerLicenses.revokedAt),
              ),
            )
            .returning({ id: providerLicenses.id });
          const [created] = await tx
            .insert(providerLicenses)
            .values({
              organizationId: clinicId,
              providerUserId: providerId,
              state: input.state,
              licenseNumber: input.licenseNumber,
              expiresOn: input.expiresOn,
              createdAt: now,
              createdBy: by,
            })
            .returning({ id: providerLicenses.id });
          return { id: created!.id, replacedId: replaced?.id ?? null };
        });
      } catch (err) {
        if (isUniqueViolation(err, 'provider_licenses_active_key')) {
          throw new AppError(
            'conflict',
            'This license was changed at the same moment by someone else. Reload and try again.',
          );
        }
        throw err;
      }
    },

    /** Revokes a license (idempotent; the row is kept). */
    async revokeLicense(clinicId: string, providerId: string, licenseId: string, by: string) {
      const ofThisProvider = and(
        eq(providerLicenses.organizationId, clinicId),
        eq(providerLicenses.providerUserId, providerId),
        eq(providerLicenses.id, licenseId),
      );
      const [row] = await db
        .select({ id: providerLicenses.id })
        .from(providerLicenses)
        .where(ofThisProvider);
      if (!row) throw new AppError('not-found', 'No license with this id for this provider.');
      await db
        .update(providerLicenses)
        .set({ revokedAt: clock.now(), revokedBy: by })
        .where(and(ofThisProvider, isNull(providerLicenses.revokedAt)));
    },
  };
}

export type ProviderService = ReturnType<typeof createProviderService>;
