import { z } from 'zod';

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
