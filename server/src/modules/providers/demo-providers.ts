import type { AppDatabase } from '../../db/client.js';
import { providerLicenses, providerProfiles } from '../../db/schema/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const dateFrom = (now: Date, days: number) =>
  new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10);

/** The demo clinic's provider profiles; NPIs pass the check digit (they are not real). */
const demoProviders = [
  {
    email: 'dr.chen@demo-clinic.test',
    credentials: 'MD',
    specialties: ['Family Medicine'],
    npi: '1467583922',
    languages: ['en', 'zh'],
    bio: 'Dr. Chen is a family physician who has cared for patients of all ages for fifteen years. Dr. Chen enjoys helping people manage long-term conditions, and sees patients in English and Mandarin.',
    timeZone: 'America/Chicago',
    licenses: [
      { state: 'CA', licenseNumber: 'A 154321', expiresInDays: 700 },
      { state: 'NY', licenseNumber: '298765', expiresInDays: 540 },
      { state: 'WA', licenseNumber: 'MD60912345', expiresInDays: 610 },
    ],
  },
  {
    email: 'dr.okafor@demo-clinic.test',
    credentials: 'MD',
    specialties: ['Internal Medicine'],
    npi: '1987654328',
    languages: ['en'],
    bio: 'Dr. Okafor is an internist focused on prevention, high blood pressure and diabetes care. Dr. Okafor believes in clear explanations and decisions made together.',
    timeZone: 'America/New_York',
    licenses: [
      { state: 'TX', licenseNumber: 'T4512', expiresInDays: 650 },
      { state: 'CA', licenseNumber: 'A 167890', expiresInDays: 480 },
      { state: 'FL', licenseNumber: 'ME 145678', expiresInDays: 720 },
      // Lapsed last month and not renewed: the licensing rule keeps Dr. Okafor from Georgia patients.
      { state: 'GA', licenseNumber: '078912', expiresInDays: -45 },
    ],
  },
];

/** Seeds the demo providers' profiles and licenses (inside the demo seed's transaction). */
export async function seedDemoProviders(
  tx: Pick<AppDatabase, 'insert'>,
  clinicId: string,
  idOf: (email: string) => string,
  now = new Date(),
) {
  const admin = idOf('admin@demo-clinic.test');
  for (const { email, licenses, ...profile } of demoProviders) {
    const providerUserId = idOf(email);
    await tx
      .insert(providerProfiles)
      .values({ organizationId: clinicId, providerUserId, ...profile, updatedBy: admin });
    await tx.insert(providerLicenses).values(
      licenses.map(({ expiresInDays, ...license }) => ({
        organizationId: clinicId,
        providerUserId,
        ...license,
        expiresOn: dateFrom(now, expiresInDays),
        createdBy: admin,
      })),
    );
  }
}
