import { verify } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { careTeamMembers, memberships, organizations, users } from './schema/index.js';
import { DEMO_CLINIC_SLUG, DEMO_PASSWORD, seedDemo } from './seed.js';

describe('demo seed', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  afterAll(() => d.drop());

  it('creates one clinic with an admin, a staff member, two providers and three patients, once', async () => {
    expect(await seedDemo(d.database.db)).toEqual({ created: true });
    expect(await seedDemo(d.database.db)).toEqual({ created: false });

    const db = d.database.db;
    const clinics = await db
      .select()
      .from(organizations)
      .where(eq(organizations.slug, DEMO_CLINIC_SLUG));
    expect(clinics).toHaveLength(1);
    const roles = await db
      .select({ role: memberships.role, email: users.email, hash: users.passwordHash })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.organizationId, clinics[0]!.id));
    const count = (role: string) => roles.filter((r) => r.role === role).length;
    expect([count('admin'), count('staff'), count('provider'), count('patient')]).toEqual([
      1, 1, 2, 3,
    ]);
    // Every demo patient has a provider on their care team.
    const teams = await db
      .select()
      .from(careTeamMembers)
      .where(eq(careTeamMembers.organizationId, clinics[0]!.id));
    expect(teams).toHaveLength(3);
    // Passwords are stored as argon2id hashes that verify against the printed demo password.
    const hash = roles[0]!.hash!;
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verify(hash, DEMO_PASSWORD)).toBe(true);
  });
});
