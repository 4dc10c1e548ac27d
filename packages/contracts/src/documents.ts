import { z } from 'zod';

/*
 * Documents in a patient's chart (lab results, referrals, insurance cards, ...) and a
 * provider's photo. The bytes are uploaded as multipart/form-data: the `category` field
 * first, then one `file`; the server detects the type from the content.
 */

export const documentCategories = [
  'insurance-card',
  'lab-result',
  'imaging',
  'referral',
  'identification',
  'visit',
  'other',
] as const;
export const documentCategorySchema = z.enum(documentCategories, {
  message: 'Choose what kind of document this is.',
});
export type DocumentCategory = (typeof documentCategories)[number];

/**
 * Categories the clinic's front desk needs to run the clinic (staff and admins see and add
 * these); every other category is clinical: the patient and their providers only.
 */
export const administrativeDocumentCategories: readonly DocumentCategory[] = [
  'insurance-card',
  'identification',
];

/** The types accepted, as detected from the bytes (never from the name or the browser). */
export const documentMediaTypes = ['application/pdf', 'image/jpeg', 'image/png', 'image/heic'];
export const documentMediaTypeSchema = z.enum([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/heic',
]);
export const providerPhotoMediaTypes = ['image/jpeg', 'image/png'];
/** Provider photos are small: at most this (or the clinic's document limit, if smaller). */
export const PROVIDER_PHOTO_MAX_BYTES = 5 * 1024 * 1024;

export const documentSchema = z.object({
  id: z.uuid(),
  category: documentCategorySchema,
  /** The name the uploader's file had, cleaned (no folders, at most 200 characters). */
  fileName: z.string(),
  mediaType: documentMediaTypeSchema,
  sizeBytes: z.number().int().min(0),
  /** Hex SHA-256 of the bytes, taken while they arrived. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.iso.datetime(),
  uploadedBy: z.object({ id: z.uuid(), displayName: z.string() }),
  /** Documents are never deleted: a retracted one stays listed, marked, with the reason. */
  retracted: z
    .object({
      at: z.iso.datetime(),
      by: z.object({ id: z.uuid(), displayName: z.string() }),
      reason: z.string(),
    })
    .nullable(),
});
export type PatientDocument = z.infer<typeof documentSchema>;

export const documentListSchema = z.object({
  /** Newest first; retracted ones included, marked. */
  documents: z.array(documentSchema),
  /** The largest file the server accepts, in bytes (check before uploading). */
  maxBytes: z.number().int(),
  /** What the viewer may upload here (staff: the administrative categories only). */
  uploadCategories: z.array(documentCategorySchema),
});
export type DocumentList = z.infer<typeof documentListSchema>;

export const documentRetractSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(5, 'Say why in a few words (at least 5 characters).')
    .max(500, 'Keep the reason under 500 characters.'),
});

export const providerPhotoSchema = z.object({
  documentId: z.uuid(),
  mediaType: documentMediaTypeSchema,
  sizeBytes: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type ProviderPhoto = z.infer<typeof providerPhotoSchema>;
