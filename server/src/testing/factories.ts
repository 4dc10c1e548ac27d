import { randomBytes } from 'node:crypto';
import type { AppDatabase } from '../db/client.js';
import { memberships, organizations, users } from '../db/schema/index.js';
import { hashPassword } from '../modules/identity/passwords.js';
import type { MembershipRole } from '../platform/access.js';

const unique = () => randomBytes(4).toString('hex');

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
      passwordHash: await hashPassword(password),
      emailVerifiedAt: new Date(),
    })
    .returning();
  await db.insert(memberships).values({ userId: user!.id, organizationId: clinicId, role });
  return { ...user!, password };
}
