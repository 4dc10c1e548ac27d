import { z } from 'zod';

/*
 * The visit's clinical note (docs/visits.md): SOAP sections for the chart and, for the
 * patient, an after-visit summary with follow-up instructions. Drafts autosave; signing
 * locks a version; later changes are amendments (new versions, with a reason). The patient
 * reads the summary of the latest signed version.
 */

export const NOTE_SECTION_MAX = 20_000;

const section = z
  .string()
  .max(NOTE_SECTION_MAX, `Keep each section under ${NOTE_SECTION_MAX} characters.`);

export const visitNoteFieldsSchema = z.object({
  subjective: section,
  objective: section,
  assessment: section,
  plan: section,
  patientSummary: section,
  followUp: section,
});
export type VisitNoteFields = z.infer<typeof visitNoteFieldsSchema>;

export const visitNoteDraftSaveSchema = visitNoteFieldsSchema.extend({
  /** The draft's revision this save started from; 0 starts a new draft (or amendment). */
  expectedRevision: z.number().int().min(0),
  /** Why the signed note is being amended (versions after the first). */
  amendmentReason: z.string().trim().max(500, 'Keep the reason under 500 characters.').nullable(),
});
export type VisitNoteDraftSave = z.infer<typeof visitNoteDraftSaveSchema>;

export const visitNoteSignSchema = z.object({ expectedRevision: z.number().int().min(1) });

const person = z.object({ id: z.uuid(), displayName: z.string() });

export const visitNoteVersionSchema = visitNoteFieldsSchema.extend({
  version: z.number().int(),
  status: z.enum(['draft', 'signed']),
  revision: z.number().int(),
  amendmentReason: z.string().nullable(),
  author: person,
  updatedAt: z.iso.datetime(),
  signedAt: z.iso.datetime().nullable(),
  signedBy: person.nullable(),
});
export type VisitNoteVersion = z.infer<typeof visitNoteVersionSchema>;

export const visitNoteSchema = z.object({
  visitId: z.uuid(),
  /** Every version, oldest first; the draft (if any) is last. */
  versions: z.array(visitNoteVersionSchema),
});
export type VisitNote = z.infer<typeof visitNoteSchema>;

/** What the patient reads once the note is signed. */
export const visitSummarySchema = z.object({
  visitId: z.uuid(),
  provider: person,
  visitTypeName: z.string(),
  startsAt: z.iso.datetime(),
  patientSummary: z.string(),
  followUp: z.string(),
  signedAt: z.iso.datetime(),
  /** Set when the summary comes from an amendment. */
  amendedAt: z.iso.datetime().nullable(),
});
export type VisitSummary = z.infer<typeof visitSummarySchema>;

export const visitNoteEventTypes = {
  /** To the patient's own room: a summary is ready (payload `{ visitId }`). */
  summaryReady: 'visit.summary-ready',
} as const;
