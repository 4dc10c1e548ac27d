import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidNpi } from '@openvisit/contracts';
import { organizations, providerProfiles, users } from '../../db/schema/index.js';
import { DEMO_CLINIC_SLUG, seedDemo } from '../../db/seed.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { createConsentService } from '../consents/consent-service.js';
import { consentContentHash } from '../consents/content-hash.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { systemClock } from '../../platform/clock.js';
import { createLicensingService } from './licensing.js';

describe('demo providers and consents', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
    await seedDemo(d.database.db);
  });
  afterAll(() => d.drop());

  async function demo() {
    const db = d.database.db;
    const [clinic] = await db
      .select()
      .from(organizations)
      .where(eq(organizations.slug, DEMO_CLINIC_SLUG));
    const idOf = async (email: string) =>
      (await db.select().from(users).where(eq(users.email, email)))[0]!.id;
    return { db, clinicId: clinic!.id, idOf };
  }

  it('gives both providers a profile with a valid NPI, and licenses the rule can use', async () => {
    const { db, clinicId, idOf } = await demo();
    const profiles = await db
      .select()
      .from(providerProfiles)
      .where(eq(providerProfiles.organizationId, clinicId));
    expect(profiles).toHaveLength(2);
    for (const p of profiles) expect(isValidNpi(p.npi!)).toBe(true);

    const licensing = createLicensingService({ db, directory: createPeopleDirectory(db) });
    const now = new Date();
    const chen = await idOf('dr.chen@demo-clinic.test');
    const okafor = await idOf('dr.okafor@demo-clinic.test');
    for (const state of ['CA', 'NY', 'WA']) {
      expect((await licensing.eligibility(clinicId, chen, state, now)).eligible).toBe(true);
    }
    expect(await licensing.eligibility(clinicId, chen, 'TX', now)).toMatchObject({
      eligible: false,
      message: 'Dr. Lin Chen holds no active license in TX.',
    });
    for (const state of ['TX', 'CA', 'FL']) {
      expect((await licensing.eligibility(clinicId, okafor, state, now)).eligible).toBe(true);
    }
    expect(await licensing.eligibility(clinicId, okafor, 'GA', now)).toMatchObject({
      eligible: false,
      reason: 'license-expired',
    });
  });

  it('publishes version 1 of each consent document; James has signed them, Maria has not', async () => {
    const { db, clinicId, idOf } = await demo();
    const consents = createConsentService({ db, clock: systemClock });
    const current = await consents.currentDocuments(clinicId);
    expect(current.map((c) => [c.kind, c.version, c.required])).toEqual([
      ['telehealth', 1, true],
      ['privacy-notice', 1, true],
      ['financial-policy', 1, false],
    ]);
    for (const doc of current) expect(consentContentHash(doc)).toBe(doc.contentHash);
    const james = await consents.status(clinicId, await idOf('james@demo-clinic.test'));
    expect(james.missingRequired).toEqual([]);
    expect(james.consents.every((c) => c.signed)).toBe(true);
    expect(
      await consents.missingRequiredConsents(clinicId, await idOf('maria@demo-clinic.test')),
    ).toEqual(['telehealth', 'privacy-notice']);
  });
});
