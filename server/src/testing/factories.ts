import { randomBytes } from 'node:crypto';
import type { AppDatabase } from '../db/client.js';
import { memberships, organizations, users } from '../db/schema/index.js';
import { hashPassword } from '../modules/identity/passwords.js';
import type { MembershipRole } from '../platform/access.js';

const unique = () => randomBytes(4).toString('hex');

// Hashing is deliberately slow; tests that make many people reuse one hash per password.
const hashes = new Map<string, Promise<string>>();
const hashOnce = (password: string) => {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  return hashes.get(password)!;
};

/** A clinic of the test's own. */
export async function makeClinic(db: AppDatabase, name = 'Test Clinic') {
  const [clinic] = await db
    .insert(organizations)
    .values({ slug: `clinic-${unique()}`, name, timezone: 'America/Chicago' })
    .returning();
  return clinic!;
}

/** A verified person with a password and one role at a clinic. */
export async function makePerson(
  db: AppDatabase,
  clinicId: string,
  role: MembershipRole,
  password = 'correct horse battery staple',
) {
  const email = `${role}-${unique()}@example.test`;
  const [user] = await db
    .insert(users)
    .values({
      email,
      displayName: `Test ${role}`,
      passwordHash: await hashOnce(password),
      emailVerifiedAt: new Date(),
    })
    .returning();
  await db.insert(memberships).values({ userId: user!.id, organizationId: clinicId, role });
  return { ...user!, password };
}

/** Adds another role at a clinic (a person may hold several, at several clinics). */
export async function addRole(
  db: AppDatabase,
  userId: string,
  clinicId: string,
  role: MembershipRole,
) {
  await db.insert(memberships).values({ userId, organizationId: clinicId, role });
}
