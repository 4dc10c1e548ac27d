import { eq, sql } from 'drizzle-orm';
import type { ClinicSettings, ClinicSettingsUpdate, PublicClinic } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { organizations } from '../../db/schema/index.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';

const settingsColumns = {
  id: organizations.id,
  name: organizations.name,
  timeZone: organizations.timezone,
  updatedAt: organizations.updatedAt,
};
const settingsView = (row: {
  id: string;
  name: string;
  timeZone: string;
  updatedAt: Date;
}): ClinicSettings => ({ ...row, updatedAt: row.updatedAt.toISOString() });
const noClinic = () => new AppError('not-found', 'No clinic with this id.');

/** Clinics (organizations): this module owns the organizations table. */
export function createClinicService(db: AppDatabase, clock: Clock = systemClock) {
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

    /** Name and zone of a clinic by id (notices say which clinic and use its zone). */
    async byId(clinicId: string): Promise<{ name: string; timezone: string } | undefined> {
      const [row] = await db
        .select({ name: organizations.name, timezone: organizations.timezone })
        .from(organizations)
        .where(eq(organizations.id, clinicId))
        .limit(1);
      return row;
    },

    /** The settings its admins keep (the zone is already public: the booking page shows it). */
    async settings(clinicId: string): Promise<ClinicSettings> {
      const [row] = await db
        .select(settingsColumns)
        .from(organizations)
        .where(eq(organizations.id, clinicId));
      if (!row) throw noClinic();
      return settingsView(row);
    },

    /** Changes the clinic's zone (validated as an IANA zone by the contract). */
    async updateSettings(clinicId: string, input: ClinicSettingsUpdate): Promise<ClinicSettings> {
      const [row] = await db
        .update(organizations)
        .set({ timezone: input.timeZone, updatedAt: clock.now() })
        .where(eq(organizations.id, clinicId))
        .returning(settingsColumns);
      if (!row) throw noClinic();
      return settingsView(row);
    },
  };
}

export type ClinicService = ReturnType<typeof createClinicService>;
