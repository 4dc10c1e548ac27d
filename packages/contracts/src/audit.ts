import { z } from 'zod';

export const auditActions = [
  'read',
  'create',
  'update',
  'delete',
  'search',
  'export',
  'print',
  'login',
  'login_failed',
  'logout',
  'mfa_enroll',
  'mfa_verify',
  'mfa_failed',
  'mfa_reset',
  'permission_change',
  'break_glass',
  'disclosure',
] as const;
export const auditActionSchema = z.enum(auditActions);

/** One access to a patient's record, as the patient sees it. */
export const accessHistorySchema = z.object({
  entries: z.array(
    z.object({
      at: z.iso.datetime(),
      actorName: z.string(),
      actorRole: z.string().nullable(),
      /** True when the patient did it themselves. */
      self: z.boolean(),
      action: auditActionSchema,
      recordKind: z.string(),
      emergency: z.boolean(),
    }),
  ),
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: z.iso.datetime().nullable(),
});
export type AccessHistory = z.infer<typeof accessHistorySchema>;

export const accessHistoryQuerySchema = z.object({
  before: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const auditSearchQuerySchema = z.object({
  userId: z.uuid().optional(),
  patientId: z.uuid().optional(),
  action: auditActionSchema.optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  sort: z.enum(['time', 'action', 'actor', 'patient']).default('time'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type AuditSearchQuery = z.infer<typeof auditSearchQuerySchema>;

export const auditExportQuerySchema = auditSearchQuerySchema
  .omit({ limit: true, offset: true })
  .extend({ format: z.enum(['csv', 'fhir']) });

export const auditEventViewSchema = z.object({
  seq: z.number().int(),
  at: z.iso.datetime(),
  actorUserId: z.uuid().nullable(),
  actorName: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: auditActionSchema,
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  patientId: z.uuid().nullable(),
  patientName: z.string().nullable(),
  outcome: z.enum(['allowed', 'denied', 'failed']),
  basis: z.string().nullable(),
  clientIp: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type AuditEventView = z.infer<typeof auditEventViewSchema>;

export const auditSearchResultSchema = z.object({
  events: z.array(auditEventViewSchema),
  total: z.number().int(),
});
export type AuditSearchResult = z.infer<typeof auditSearchResultSchema>;

export const disclosureRequestSchema = z.object({
  disclosedAt: z.iso.datetime(),
  recipient: z.string().trim().min(1).max(200),
  recipientAddress: z.string().trim().max(500).optional(),
  description: z.string().trim().min(1).max(1000),
  purpose: z.string().trim().min(1).max(1000),
});

export const disclosureListSchema = z.object({
  disclosures: z.array(
    z.object({
      id: z.uuid(),
      disclosedAt: z.iso.datetime(),
      recipient: z.string(),
      recipientAddress: z.string().nullable(),
      description: z.string(),
      purpose: z.string(),
      recordedByName: z.string(),
    }),
  ),
});
export type DisclosureList = z.infer<typeof disclosureListSchema>;
