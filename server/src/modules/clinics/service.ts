import { eq, sql } from 'drizzle-orm';
import type { PublicClinic } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { organizations } from '../../db/schema/index.js';

/** Clinics (organizations): this module owns the organizations table. */
export function createClinicService(db: AppDatabase) {
  // Prepared once: the public clinic page is read on every visit to a booking link.
  const bySlug = db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      timezone: organizations.timezone,
    })
    .from(organizations)
    .where(eq(organizations.slug, sql.placeholder('slug')))
    .limit(1)
    .prepare('clinic_by_slug');

  return {
    async findPublicBySlug(slug: string): Promise<PublicClinic | undefined> {
      const rows = await bySlug.execute({ slug });
      return rows[0];
    },
  };
}

export type ClinicService = ReturnType<typeof createClinicService>;
