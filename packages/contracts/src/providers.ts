import { z } from 'zod';
import { timeZoneSchema, usStateSchema } from './patients.js';

/**
 * National Provider Identifier (45 CFR 162.406): 10 digits, the last a Luhn check digit
 * computed, as CMS specifies, over the card-issuer prefix 80840 followed by the first nine.
 */
export function isValidNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // From the right: the check digit as is, every second digit doubled (digits summed).
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/** What is wrong with an NPI as typed, in words; undefined when it is valid. */
export function npiProblem(npi: string): string | undefined {
  if (!/^\d{10}$/.test(npi)) return 'An NPI is exactly 10 digits.';
  if (!isValidNpi(npi))
    return 'This is not a valid NPI: its check digit does not match. Check for a typo.';
  return undefined;
}

export const npiSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = npiProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A well-formed BCP 47 tag, as `Intl` reads it (en, es-MX, zh-Hant). */
export function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

const languageTagSchema = z
  .string()
  .trim()
  .min(2)
  .max(35)
  .refine(isLanguageTag, 'Use a language tag such as en, es or zh-Hant.')
  .transform((tag) => Intl.getCanonicalLocales(tag)[0]!);

/** Blank means "not given" (stored as null). */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep it under ${max.toLocaleString('en-US')} characters.`)
    .nullable()
    .transform((v) => (v ? v : null));

export const providerProfileUpdateSchema = z.object({
  /** e.g. MD, DO, NP, PA-C, LCSW */
  credentials: optionalText(40),
  specialties: z
    .array(z.string().trim().min(1).max(80))
    .max(10, 'List at most 10 specialties.')
    .transform((list) => [...new Set(list)]),
  npi: z
    .union([npiSchema, z.literal('')])
    .nullable()
    .transform((v) => (v ? v : null)),
  languages: z
    .array(languageTagSchema)
    .max(20, 'List at most 20 languages.')
    .transform((list) => [...new Set(list)]),
  bio: optionalText(2000),
  timeZone: z
    .union([timeZoneSchema, z.literal('')])
    .nullable()
    .transform((v) => (v ? v : null)),
});
export type ProviderProfileUpdate = z.input<typeof providerProfileUpdateSchema>;

export const licenseStatuses = ['active', 'expired', 'revoked'] as const;

/**
 * A state license as shown. Everyone at the clinic sees the state and whether it is active;
 * admins and the provider themself also see the number, expiry and revoked rows.
 */
export const providerLicenseViewSchema = z.object({
  state: z.string(),
  active: z.boolean(),
  id: z.uuid().optional(),
  licenseNumber: z.string().optional(),
  expiresOn: z.iso.date().optional(),
  status: z.enum(licenseStatuses).optional(),
  revokedAt: z.iso.datetime().nullable().optional(),
});
export type ProviderLicenseView = z.infer<typeof providerLicenseViewSchema>;

export const providerProfileSchema = z.object({
  providerId: z.uuid(),
  displayName: z.string(),
  credentials: z.string().nullable(),
  specialties: z.array(z.string()),
  npi: z.string().nullable(),
  languages: z.array(z.string()),
  bio: z.string().nullable(),
  hasPhoto: z.boolean(),
  /**
   * The current photo's id: it changes with every new photo, so pages put it in the photo's
   * address and a browser never shows a cached earlier one.
   */
  photoId: z.uuid().nullable(),
  timeZone: z.string().nullable(),
  licenses: z.array(providerLicenseViewSchema),
  /** True when license numbers, expiry dates and history are included. */
  detailed: z.boolean(),
});
export type ProviderProfile = z.infer<typeof providerProfileSchema>;

export const providerProfileListSchema = z.object({ providers: z.array(providerProfileSchema) });
export type ProviderProfileList = z.infer<typeof providerProfileListSchema>;

export const providerProfileListQuerySchema = z.object({
  /** Only providers holding an active license in this state. */
  state: usStateSchema.optional(),
});

export const licenseCreateSchema = z.object({
  state: usStateSchema,
  licenseNumber: z
    .string()
    .trim()
    .min(1, 'Enter the license number.')
    .max(40)
    .regex(
      /^[A-Za-z0-9 ./-]+$/,
      'License numbers hold letters, digits, spaces, dots, slashes and dashes.',
    ),
  /** The last day the license is valid (inclusive). */
  expiresOn: z.iso.date({ message: 'Enter a date as YYYY-MM-DD.' }),
});
export type LicenseCreate = z.input<typeof licenseCreateSchema>;

export const licenseCreatedSchema = z.object({
  id: z.uuid(),
  /** The license this one replaced (kept, revoked), if any. */
  replacedId: z.uuid().nullable(),
});

/** Why a provider may not see a patient located in a state. */
export const licensingRefusals = [
  'patient-location-unknown',
  'no-license',
  'license-expired',
  'license-revoked',
] as const;

export const eligibilityQuerySchema = z.object({ state: usStateSchema.optional() });

export const eligibilitySchema = z.object({
  eligible: z.boolean(),
  reason: z.enum(licensingRefusals).optional(),
  /** In words, for the page (names the provider and the state, never a patient). */
  message: z.string(),
});
export type Eligibility = z.infer<typeof eligibilitySchema>;
