import { z } from 'zod';

/*
 * The patient chart: demographics, health history (allergies, medications, conditions),
 * insurance and correction requests. Every change appends a version; an edit names the
 * version it was based on, so two people editing at once cannot silently overwrite.
 */

/** US states, DC and the territories, by USPS code. */
export const usStates = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN',
  'IA', 'KS', 'KY', 'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH',
  'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT',
  'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'AS', 'GU', 'MP', 'PR', 'VI',
] as const; // prettier-ignore
export const usStateSchema = z.enum(usStates, { message: 'Choose a US state.' });

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
};
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, 'Choose a time zone such as America/Chicago.');

/** An optional text field: blank means "not given" (stored as null). */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep it under ${max} characters.`)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional()
    .transform((v) => v ?? null);

const phoneSchema = z
  .string()
  .trim()
  .max(32)
  .refine((v) => v === '' || /^\+?[0-9 ().-]{7,31}$/.test(v), 'Enter a phone number.')
  .transform((v) => (v === '' ? null : v))
  .nullable()
  .optional()
  .transform((v) => v ?? null);

const isoDate = z.iso.date({ message: 'Enter a date as YYYY-MM-DD.' });
const pastDate = isoDate.refine(
  (d) => d <= new Date().toISOString().slice(0, 10),
  'The date cannot be in the future.',
);

export const sexAtBirthValues = ['female', 'male', 'intersex', 'unknown', 'declined'] as const;

export const patientProfileFieldsSchema = z.object({
  legalName: z.string().trim().min(1, 'Enter the legal name.').max(200),
  preferredName: optionalText(200),
  birthDate: pastDate
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  sexAtBirth: z
    .enum(sexAtBirthValues)
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  genderIdentity: optionalText(100),
  pronouns: optionalText(50),
  phone: phoneSchema,
  addressLine1: optionalText(200),
  addressLine2: optionalText(200),
  city: optionalText(100),
  state: usStateSchema
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  postalCode: z
    .string()
    .trim()
    .refine(
      (v) => v === '' || /^\d{5}$|^\d{5}-\d{4}$/.test(v),
      'Enter a ZIP code (12345 or 12345-6789).',
    )
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  preferredLanguage: optionalText(35),
  timeZone: timeZoneSchema
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  emergencyContactName: optionalText(200),
  emergencyContactRelationship: optionalText(100),
  emergencyContactPhone: phoneSchema,
  primaryCareProvider: optionalText(200),
});
export type PatientProfileFields = z.output<typeof patientProfileFieldsSchema>;
export type PatientProfileInput = z.input<typeof patientProfileFieldsSchema>;

/** The version an edit was based on (0 when creating the first). */
const expectedVersion = z.number().int().min(0);
const changeReason = optionalText(500);

export const patientProfileUpdateSchema = patientProfileFieldsSchema.extend({
  expectedVersion,
  changeReason,
});

const versionInfo = {
  version: z.number().int(),
  recordedAt: z.iso.datetime(),
  recordedBy: z.object({ id: z.uuid(), displayName: z.string() }),
  changeReason: z.string().nullable(),
};

/** The profile as stored and answered (plain values: input rules live on the update). */
const text = z.string().nullable();
export const patientProfileValuesSchema = z.object({
  legalName: z.string(),
  preferredName: text,
  birthDate: text,
  sexAtBirth: z.enum(sexAtBirthValues).nullable(),
  genderIdentity: text,
  pronouns: text,
  phone: text,
  addressLine1: text,
  addressLine2: text,
  city: text,
  state: text,
  postalCode: text,
  preferredLanguage: text,
  timeZone: text,
  emergencyContactName: text,
  emergencyContactRelationship: text,
  emergencyContactPhone: text,
  primaryCareProvider: text,
});

/** The profile's fields, in form order (server history and web form share it). */
export const patientProfileFieldNames = Object.keys(patientProfileValuesSchema.shape) as Array<
  keyof z.infer<typeof patientProfileValuesSchema>
>;

export const patientProfileSchema = z.object({
  profile: z.object({ ...patientProfileValuesSchema.shape, ...versionInfo }).nullable(),
});
export type PatientProfile = NonNullable<z.infer<typeof patientProfileSchema>['profile']>;

/** A version of any chart entity, newest first: the fields as they were, who and when. */
export const chartHistorySchema = z.object({
  versions: z.array(
    z.object({
      ...versionInfo,
      /** The fields that differ from the previous version (all of them for the first). */
      changed: z.array(z.string()),
      values: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type ChartHistory = z.infer<typeof chartHistorySchema>;

export const healthItemKinds = ['allergy', 'medication', 'condition'] as const;
export const healthItemKindSchema = z.enum(healthItemKinds);
export const healthItemStatuses = ['active', 'inactive', 'entered-in-error'] as const;
export const allergySeverities = ['mild', 'moderate', 'severe'] as const;

/** Code systems a coded entry may use; anything else is free text (no code). */
export const codeSystems = {
  snomed: 'http://snomed.info/sct',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
} as const;

export const healthItemFieldsSchema = z
  .object({
    display: z.string().trim().min(1, 'Enter a name.').max(200),
    codeSystem: z
      .enum(Object.values(codeSystems) as [string, ...string[]])
      .nullable()
      .optional()
      .transform((v) => v ?? null),
    code: z
      .string()
      .trim()
      .max(32)
      .regex(/^[A-Za-z0-9.-]*$/, 'Codes hold letters, digits, dots and dashes.')
      .transform((v) => (v === '' ? null : v))
      .nullable()
      .optional()
      .transform((v) => v ?? null),
    detail: optionalText(1000),
    severity: z
      .enum(allergySeverities)
      .nullable()
      .optional()
      .transform((v) => v ?? null),
    onsetDate: pastDate
      .nullable()
      .optional()
      .transform((v) => v ?? null),
  })
  .refine((v) => (v.code === null) === (v.codeSystem === null), {
    message: 'A code needs its code system, and a code system needs a code.',
    path: ['code'],
  });

export const healthItemCreateSchema = healthItemFieldsSchema.and(
  z.object({ kind: healthItemKindSchema }),
);
export const healthItemUpdateSchema = healthItemFieldsSchema.and(
  z.object({ expectedVersion, status: z.enum(healthItemStatuses), changeReason }),
);

export const healthItemSchema = z.object({
  id: z.uuid(),
  kind: healthItemKindSchema,
  display: z.string(),
  codeSystem: z.string().nullable(),
  code: z.string().nullable(),
  detail: z.string().nullable(),
  severity: z.enum(allergySeverities).nullable(),
  onsetDate: z.string().nullable(),
  status: z.enum(healthItemStatuses),
  ...versionInfo,
  /** Who first recorded it (a patient's own entry is "patient-reported"). */
  reportedBy: z.object({ id: z.uuid(), displayName: z.string(), self: z.boolean() }),
});
export type HealthItem = z.infer<typeof healthItemSchema>;

export const healthHistorySchema = z.object({ items: z.array(healthItemSchema) });
export type HealthHistory = z.infer<typeof healthHistorySchema>;

export const subscriberRelationships = ['self', 'spouse', 'child', 'other'] as const;

export const insuranceFieldsSchema = z.object({
  rank: z.enum(['primary', 'secondary']),
  payer: z.string().trim().min(1, 'Enter the insurance company.').max(200),
  plan: optionalText(200),
  memberId: z
    .string()
    .trim()
    .min(3, 'Enter the member ID from the card.')
    .max(40)
    .regex(/^[A-Za-z0-9 -]+$/, 'Member IDs hold letters, digits, spaces and dashes.'),
  groupNumber: optionalText(40),
  subscriberRelationship: z.enum(subscriberRelationships),
  subscriberName: optionalText(200),
  cardFrontDocumentId: z
    .uuid()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  cardBackDocumentId: z
    .uuid()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});
export type InsuranceInput = z.input<typeof insuranceFieldsSchema>;

export const insuranceUpdateSchema = insuranceFieldsSchema.extend({
  expectedVersion,
  status: z.enum(['active', 'inactive']),
  changeReason,
});

export const insurancePolicySchema = z.object({
  id: z.uuid(),
  rank: z.enum(['primary', 'secondary']),
  payer: z.string(),
  plan: z.string().nullable(),
  memberId: z.string(),
  groupNumber: z.string().nullable(),
  subscriberRelationship: z.enum(subscriberRelationships),
  subscriberName: z.string().nullable(),
  cardFrontDocumentId: z.uuid().nullable(),
  cardBackDocumentId: z.uuid().nullable(),
  status: z.enum(['active', 'inactive']),
  ...versionInfo,
});
export type InsurancePolicy = z.infer<typeof insurancePolicySchema>;
export const insuranceListSchema = z.object({ policies: z.array(insurancePolicySchema) });

export const correctionSections = [
  'profile',
  'health-history',
  'insurance',
  'visit-record',
  'other',
] as const;

/**
 * Requests about health content are clinical: the patient's providers read and decide them;
 * staff and admins see and decide the rest (who the patient is, insurance, other).
 */
export const clinicalCorrectionSections: readonly string[] = ['health-history', 'visit-record'];

export const correctionRequestCreateSchema = z.object({
  section: z.enum(correctionSections),
  requestedChange: z
    .string()
    .trim()
    .min(10, 'Say what is wrong and what it should say (at least 10 characters).')
    .max(2000, 'Keep it under 2,000 characters.'),
});

export const correctionDecisionSchema = z.object({
  decision: z.enum(['accepted', 'denied']),
  reason: z
    .string()
    .trim()
    .min(10, 'Give the reason in a sentence (at least 10 characters).')
    .max(2000),
});

export const correctionRequestSchema = z.object({
  id: z.uuid(),
  patientId: z.uuid(),
  patientName: z.string(),
  section: z.enum(correctionSections),
  requestedChange: z.string(),
  createdAt: z.iso.datetime(),
  status: z.enum(['pending', 'accepted', 'denied']),
  decidedAt: z.iso.datetime().nullable(),
  decidedBy: z.string().nullable(),
  decisionReason: z.string().nullable(),
});
export type CorrectionRequest = z.infer<typeof correctionRequestSchema>;
export const correctionListSchema = z.object({ requests: z.array(correctionRequestSchema) });
export const correctionQueueQuerySchema = z.object({
  status: z.enum(['pending', 'accepted', 'denied']).default('pending'),
});
