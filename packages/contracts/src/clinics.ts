import { z } from 'zod';
import { timeZoneSchema } from './patients.js';

export const clinicSlugSchema = z
  .string()
  .min(2)
  .max(63)
  .regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and single hyphens')
  .refine(
    (s) => !s.startsWith('-') && !s.endsWith('-') && !s.includes('--'),
    'lowercase letters, digits and single hyphens',
  );

/** What anyone may know about a clinic: enough to show its booking page. */
export const publicClinicSchema = z.object({
  id: z.uuid(),
  slug: clinicSlugSchema,
  name: z.string(),
  timezone: z.string(),
});

export type PublicClinic = z.infer<typeof publicClinicSchema>;

/**
 * The clinic's own settings, as its admins keep them. `timeZone` (IANA) is the zone the
 * clinic's day is read in: the staff schedule's default, and notices to patients without one.
 */
export const clinicSettingsSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  timeZone: z.string(),
  updatedAt: z.iso.datetime(),
});

export const clinicSettingsUpdateSchema = z.object({ timeZone: timeZoneSchema });

export type ClinicSettings = z.infer<typeof clinicSettingsSchema>;
export type ClinicSettingsUpdate = z.infer<typeof clinicSettingsUpdateSchema>;
