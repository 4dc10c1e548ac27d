import { z } from 'zod';

export const consentKinds = ['telehealth', 'privacy-notice', 'financial-policy'] as const;
export const consentKindSchema = z.enum(consentKinds);
export type ConsentKind = (typeof consentKinds)[number];

export const consentKindLabels: Record<ConsentKind, string> = {
  telehealth: 'Telehealth consent',
  'privacy-notice': 'Notice of privacy practices',
  'financial-policy': 'Financial policy',
};

const contentHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash in hex');

export const consentPublishSchema = z.object({
  kind: consentKindSchema,
  title: z.string().trim().min(3, 'Enter a title.').max(200),
  /** Plain text; paragraphs separated by blank lines. */
  body: z
    .string()
    .trim()
    .min(20, 'Write the document (at least 20 characters).')
    .max(50_000, 'Keep it under 50,000 characters.'),
  /** Patients must sign it before booking. */
  required: z.boolean(),
});
export type ConsentPublish = z.input<typeof consentPublishSchema>;

export const consentDocumentSchema = z.object({
  id: z.uuid(),
  kind: consentKindSchema,
  version: z.number().int().positive(),
  title: z.string(),
  body: z.string(),
  /** What a signature attests to: SHA-256 over kind, version, title and body. */
  contentHash: contentHashSchema,
  required: z.boolean(),
  publishedAt: z.iso.datetime(),
});
export type ConsentDocument = z.infer<typeof consentDocumentSchema>;

export const consentDocumentListSchema = z.object({
  /** The current (newest) version of each kind published so far. */
  current: z.array(consentDocumentSchema),
  /** Every version, newest first: admins only. */
  history: z.array(consentDocumentSchema.omit({ body: true })).optional(),
});
export type ConsentDocumentList = z.infer<typeof consentDocumentListSchema>;

export const consentSignRequestSchema = z.object({
  consentDocumentId: z.uuid(),
  /** The signer's name as they typed it, adopted as their signature. */
  typedName: z
    .string()
    .transform((name) => name.replace(/\s+/g, ' ').trim())
    .pipe(
      z
        .string()
        .min(2, 'Type your full name to sign.')
        .max(200, 'Keep your name under 200 characters.'),
    ),
  /** The hash of the version the signer read: refused when it is no longer current. */
  contentHash: contentHashSchema,
});
export type ConsentSignRequest = z.input<typeof consentSignRequestSchema>;

export const consentSignatureSchema = z.object({
  id: z.uuid(),
  consentDocumentId: z.uuid(),
  kind: consentKindSchema,
  version: z.number().int(),
  typedName: z.string(),
  signedAt: z.iso.datetime(),
  contentHash: contentHashSchema,
});

/** Where a patient stands on each kind of document the clinic has published. */
export const consentStatusSchema = z.object({
  consents: z.array(
    z.object({
      kind: consentKindSchema,
      required: z.boolean(),
      current: z.object({
        id: z.uuid(),
        version: z.number().int(),
        title: z.string(),
        contentHash: contentHashSchema,
        publishedAt: z.iso.datetime(),
      }),
      /** The current version is signed. */
      signed: z.boolean(),
      /** The newest signature on any version of this kind. */
      signedAt: z.iso.datetime().nullable(),
      signedVersion: z.number().int().nullable(),
      /** An older version was signed and a newer one has been published since. */
      resign: z.boolean(),
    }),
  ),
  /** Required kinds whose current version is not signed: booking is refused until it is. */
  missingRequired: z.array(consentKindSchema),
});
export type ConsentStatus = z.infer<typeof consentStatusSchema>;
