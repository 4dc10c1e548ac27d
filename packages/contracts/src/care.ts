import { z } from 'zod';

/** How the viewer is linked to a listed patient (providers only). */
export const careRelationshipSchema = z.enum(['care-team', 'break-glass']);

export const patientListSchema = z.object({
  patients: z.array(
    z.object({
      id: z.uuid(),
      displayName: z.string(),
      email: z.string(),
      status: z.enum(['active', 'disabled']),
      relationship: careRelationshipSchema.optional(),
    }),
  ),
});
export type PatientList = z.infer<typeof patientListSchema>;

export const patientListQuerySchema = z.object({
  /** Exact address: how a provider finds a patient they do not yet care for. */
  email: z.email().max(254).optional(),
});

export const patientSummarySchema = z.object({
  patient: z.object({
    id: z.uuid(),
    displayName: z.string(),
    email: z.string(),
    status: z.enum(['active', 'disabled']),
  }),
  careTeam: z.array(
    z.object({ providerId: z.uuid(), displayName: z.string(), since: z.iso.datetime() }),
  ),
  /** Why the viewer may see this record; `break-glass` is shown as a warning. */
  access: z.enum(['self', 'care-relationship', 'break-glass', 'clinic-staff']),
});
export type PatientSummary = z.infer<typeof patientSummarySchema>;

export const breakGlassRequestSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(15, 'Say why in a sentence (at least 15 characters).')
    .max(500, 'Keep the reason under 500 characters.'),
});

export const breakGlassGrantSchema = z.object({ id: z.uuid(), expiresAt: z.iso.datetime() });

export const breakGlassListSchema = z.object({
  grants: z.array(
    z.object({
      id: z.uuid(),
      patientId: z.uuid(),
      patientName: z.string(),
      providerId: z.uuid(),
      providerName: z.string(),
      reason: z.string(),
      createdAt: z.iso.datetime(),
      expiresAt: z.iso.datetime(),
      reviewedAt: z.iso.datetime().nullable(),
    }),
  ),
});
export type BreakGlassList = z.infer<typeof breakGlassListSchema>;

/** The clinic's active providers, for choosing a care team. */
export const providerDirectorySchema = z.object({
  providers: z.array(z.object({ id: z.uuid(), displayName: z.string() })),
});
export type ProviderDirectory = z.infer<typeof providerDirectorySchema>;
