import type { AppDatabase } from '../../db/client.js';
import { providerLicenses } from '../../db/schema/index.js';

/** A live state license for a provider (tests and the authorization matrix). */
export async function makeLicense(
  db: AppDatabase,
  clinicId: string,
  providerId: string,
  createdBy: string,
  license: { state: string; expiresOn: string } = { state: 'CA', expiresOn: '2099-12-31' },
) {
  const [row] = await db
    .insert(providerLicenses)
    .values({
      organizationId: clinicId,
      providerUserId: providerId,
      licenseNumber: `${license.state}-TEST-1`,
      createdBy,
      ...license,
    })
    .returning();
  return row!;
}
