import { hash } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { intakeFormDefinitionSchema } from '@openvisit/contracts';
import type { AppDatabase } from './client.js';
import { seedDemoConsents } from '../modules/consents/demo-consents.js';
import { seedDemoProviders } from '../modules/providers/demo-providers.js';
import {
  seedDemoAppointments,
  seedDemoAvailability,
} from '../modules/scheduling/availability-demo.js';
import { careTeamMembers, memberships, organizations, users } from './schema/index.js';
import { demoIntakeForms } from '../modules/intake/demo-forms.js';
import { intakeForms } from './schema/intake.js';
import { seedDemoChart } from '../modules/patients/demo-chart.js';
import {
  createFieldCipher,
  parseKeyRing,
  type FieldCipher,
} from '../platform/crypto/field-cipher.js';
import { DEVELOPMENT_KEY_RING } from '../config.js';

/** OWASP ASVS argon2id parameters (m=19 MiB, t=2, p=1); identity reuses them. */
export const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const DEMO_CLINIC_SLUG = 'demo-clinic';
/** Demo only: printed at start and listed in the README; never used outside demo mode. */
export const DEMO_PASSWORD = 'openvisit-demo-2026';

type DemoRole = 'admin' | 'provider' | 'staff' | 'patient';

export const demoAccounts: {
  email: string;
  displayName: string;
  role: DemoRole;
  timezone: string;
}[] = [
  {
    email: 'admin@demo-clinic.test',
    displayName: 'Sam Rivera',
    role: 'admin',
    timezone: 'America/Chicago',
  },
  {
    email: 'frontdesk@demo-clinic.test',
    displayName: 'Jordan Ellis',
    role: 'staff',
    timezone: 'America/Chicago',
  },
  {
    email: 'dr.chen@demo-clinic.test',
    displayName: 'Dr. Lin Chen',
    role: 'provider',
    timezone: 'America/Chicago',
  },
  {
    email: 'dr.okafor@demo-clinic.test',
    displayName: 'Dr. Ada Okafor',
    role: 'provider',
    timezone: 'America/New_York',
  },
  {
    email: 'maria@demo-clinic.test',
    displayName: 'Maria Lopez',
    role: 'patient',
    timezone: 'America/Denver',
  },
  {
    email: 'james@demo-clinic.test',
    displayName: 'James Park',
    role: 'patient',
    timezone: 'America/Los_Angeles',
  },
  {
    email: 'aisha@demo-clinic.test',
    displayName: 'Aisha Bello',
    role: 'patient',
    timezone: 'America/New_York',
  },
];

/** Demo care teams (patient → provider): who may open whose record. */
const demoCareTeams: [patient: string, provider: string][] = [
  ['maria@demo-clinic.test', 'dr.chen@demo-clinic.test'],
  ['james@demo-clinic.test', 'dr.chen@demo-clinic.test'],
  ['aisha@demo-clinic.test', 'dr.okafor@demo-clinic.test'],
];

/**
 * Seeds the demo clinic once. Safe to run at every start: it does nothing when the clinic
 * exists, and runs in one transaction so a crash halfway leaves nothing behind.
 */
export async function seedDemo(
  db: AppDatabase,
  /** Seals the demo's encrypted fields; the app's own key ring in main.ts. */
  cipher: FieldCipher = createFieldCipher(parseKeyRing(DEVELOPMENT_KEY_RING)),
  /** The demo's visits are placed relative to this (a fresh start always has a coming one). */
  now: Date = new Date(),
): Promise<{ created: boolean }> {
  const existing = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, DEMO_CLINIC_SLUG));
  if (existing.length) return { created: false };

  const passwordHash = await hash(DEMO_PASSWORD, argon2Options);
  await db.transaction(async (tx) => {
    const [clinic] = await tx
      .insert(organizations)
      .values({
        slug: DEMO_CLINIC_SLUG,
        name: 'Riverside Virtual Care (demo)',
        timezone: 'America/Chicago',
      })
      .returning({ id: organizations.id });
    const created = await tx
      .insert(users)
      .values(
        demoAccounts.map((a) => ({
          email: a.email,
          displayName: a.displayName,
          timezone: a.timezone,
          passwordHash,
          emailVerifiedAt: new Date(),
        })),
      )
      .returning({ id: users.id, email: users.email });
    await tx.insert(memberships).values(
      created.map((u) => ({
        userId: u.id,
        organizationId: clinic!.id,
        role: demoAccounts.find((a) => a.email === u.email)!.role,
      })),
    );
    const idOf = (email: string) => created.find((u) => u.email === email)!.id;
    await tx.insert(careTeamMembers).values(
      demoCareTeams.map(([patient, provider]) => ({
        organizationId: clinic!.id,
        patientUserId: idOf(patient),
        providerUserId: idOf(provider),
        assignedBy: idOf('admin@demo-clinic.test'),
      })),
    );
    // Provider profiles and state licenses; consent documents, version 1, signed by James.
    await seedDemoProviders(tx, clinic!.id, idOf);
    await seedDemoConsents(tx, clinic!.id, idOf);
    // Intake questionnaires, version 1 (publishing through the API makes later versions).
    await tx.insert(intakeForms).values(
      demoIntakeForms.map((form) => {
        const { slug, title, questions } = intakeFormDefinitionSchema.parse(form);
        return { organizationId: clinic!.id, slug, title, questions, version: 1 };
      }),
    );
    // James's chart: profile, health history and insurance (Maria fills hers herself).
    await seedDemoChart(tx, clinic!.id, idOf, cipher);
    // Visit types, and Dr. Chen's and Dr. Okafor's weekly hours.
    const visitTypeIds = await seedDemoAvailability(tx, clinic!.id, idOf);
    // James's visits with Dr. Chen: one coming, one past (Maria books her own).
    await seedDemoAppointments(tx, clinic!.id, idOf, visitTypeIds, now);
  });
  return { created: true };
}
