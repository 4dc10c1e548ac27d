import { and, eq } from 'drizzle-orm';
import type { Eligibility } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { providerLicenses } from '../../db/schema/index.js';
import { AppError } from '../../platform/errors.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import { licenseLapsesAt } from './license-expiry.js';

/*
 * THE licensing rule, in one place. Telehealth follows the patient: a provider may see a
 * patient only while holding an active license in the state where the patient is. Active
 * means not revoked and not lapsed (license-expiry.ts says when a license lapses).
 * Scheduling and video visits call `assertMayPractise`; nothing else decides this.
 */

export interface LicenseFacts {
  id: string;
  state: string;
  /** The last valid day, inclusive (YYYY-MM-DD). */
  expiresOn: string;
  revokedAt: Date | null;
}

export type LicensingRefusal =
  'patient-location-unknown' | 'no-license' | 'license-expired' | 'license-revoked';

export type LicensingDecision =
  { ok: true; licenseId: string } | { ok: false; reason: LicensingRefusal; expiredOn?: string };

/** Whether a license is active at an instant. */
export function isLicenseActive(license: LicenseFacts, at: Date): boolean {
  return (
    license.revokedAt === null &&
    at.getTime() < licenseLapsesAt(license.state, license.expiresOn).getTime()
  );
}

/**
 * The decision, pure: may a provider holding `licenses` see a patient located in
 * `patientState` at `at`? When not, the reason names the closest thing to a license the
 * provider has there (an expired one, then a revoked one), so the message can say so.
 */
export function decideLicensing(
  licenses: readonly LicenseFacts[],
  patientState: string | null | undefined,
  at: Date,
): LicensingDecision {
  if (!patientState) return { ok: false, reason: 'patient-location-unknown' };
  const there = licenses.filter((l) => l.state === patientState);
  const active = there.find((l) => isLicenseActive(l, at));
  if (active) return { ok: true, licenseId: active.id };
  const lapsed = there
    .filter((l) => l.revokedAt === null)
    .sort((a, b) => b.expiresOn.localeCompare(a.expiresOn))[0];
  if (lapsed) return { ok: false, reason: 'license-expired', expiredOn: lapsed.expiresOn };
  if (there.length) return { ok: false, reason: 'license-revoked' };
  return { ok: false, reason: 'no-license' };
}

/** The decision in words: names the provider and the state, never the patient. */
export function describeLicensing(
  decision: LicensingDecision,
  providerName: string,
  state: string | null | undefined,
): string {
  if (decision.ok) return `${providerName} is licensed in ${state}.`;
  switch (decision.reason) {
    case 'patient-location-unknown':
      return "The patient's state is not on file. Add it to the patient's profile so a provider licensed there can be chosen.";
    case 'no-license':
      return `${providerName} holds no active license in ${state}.`;
    case 'license-expired':
      return `${providerName} holds no active license in ${state}: the license there expired on ${decision.expiredOn}.`;
    case 'license-revoked':
      return `${providerName} holds no active license in ${state}: the license there was revoked.`;
  }
}

export function createLicensingService(deps: { db: AppDatabase; directory: PeopleDirectory }) {
  const { db, directory } = deps;

  async function providerName(clinicId: string, providerId: string) {
    const [provider] = await directory.withRole(clinicId, 'provider', { ids: [providerId] });
    if (!provider) throw new AppError('not-found', 'No provider with this id at this clinic.');
    return provider.displayName;
  }

  async function decide(
    clinicId: string,
    providerId: string,
    patientState: string | null | undefined,
    at: Date,
  ) {
    const name = await providerName(clinicId, providerId);
    const licenses = await licensesOf(db, clinicId, providerId);
    const decision = decideLicensing(licenses, patientState, at);
    return { decision, message: describeLicensing(decision, name, patientState) };
  }

  return {
    /** For the web ("licensed in your state"): the decision as an answer, not an error. */
    async eligibility(
      clinicId: string,
      providerId: string,
      patientState: string | null | undefined,
      at: Date,
    ): Promise<Eligibility> {
      const { decision, message } = await decide(clinicId, providerId, patientState, at);
      return decision.ok
        ? { eligible: true, message }
        : { eligible: false, reason: decision.reason, message };
    },

    /**
     * Throws unless the provider may see a patient located in `patientState` at `at`:
     * `patient-location-unknown` without a state, `provider-not-licensed` without an active
     * license there (409 both: the request is fine, the facts are not yet).
     */
    async assertMayPractise(
      clinicId: string,
      providerId: string,
      patientState: string | null | undefined,
      at: Date,
    ): Promise<void> {
      const { decision, message } = await decide(clinicId, providerId, patientState, at);
      if (decision.ok) return;
      throw new AppError(
        decision.reason === 'patient-location-unknown'
          ? 'patient-location-unknown'
          : 'provider-not-licensed',
        message,
      );
    },
  };
}

export type LicensingService = ReturnType<typeof createLicensingService>;

/** Every license row of a provider at a clinic, revoked ones included. */
export function licensesOf(db: AppDatabase, clinicId: string, providerId: string) {
  return db
    .select({
      id: providerLicenses.id,
      state: providerLicenses.state,
      expiresOn: providerLicenses.expiresOn,
      revokedAt: providerLicenses.revokedAt,
    })
    .from(providerLicenses)
    .where(
      and(
        eq(providerLicenses.organizationId, clinicId),
        eq(providerLicenses.providerUserId, providerId),
      ),
    );
}
