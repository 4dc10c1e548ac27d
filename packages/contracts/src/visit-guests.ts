import { z } from 'zod';

/*
 * Guests of a video visit (docs/visits.md "Guests"): an interpreter or a family member joins
 * by a single-use invite link, without an account, once the provider admits them. A call
 * holds at most MAX_VISIT_PARTICIPANTS people: the patient, the provider and two guests.
 */

export const MAX_VISIT_PARTICIPANTS = 4;

/** invited: the link is not used yet; waiting: used, not admitted; admitted; removed. */
export const visitGuestStates = ['invited', 'waiting', 'admitted', 'removed'] as const;
export type VisitGuestState = (typeof visitGuestStates)[number];

/** What the provider's invite answers: the link, shown once (only its hash is kept). */
export const visitInviteSchema = z.object({
  /** `<public URL>/visit-invite#<token>`: a fragment never reaches logs or a Referer. */
  url: z.string(),
  expiresAt: z.iso.datetime(),
});
export type VisitInvite = z.infer<typeof visitInviteSchema>;

export const visitGuestSchema = z.object({
  id: z.uuid(),
  /** The name the guest gave ('' while the link is unused). */
  displayName: z.string(),
  state: z.enum(visitGuestStates),
  inviteExpiresAt: z.iso.datetime(),
  acceptedAt: z.iso.datetime().nullable(),
  admittedAt: z.iso.datetime().nullable(),
  removedAt: z.iso.datetime().nullable(),
});
export type VisitGuest = z.infer<typeof visitGuestSchema>;

export const visitGuestListSchema = z.object({ guests: z.array(visitGuestSchema) });

export const VISIT_GUEST_NAME_MAX = 80;

export const visitInviteAcceptSchema = z.object({
  token: z.string().min(20).max(200),
  displayName: z
    .string()
    .trim()
    .min(1, 'Enter your name.')
    .max(VISIT_GUEST_NAME_MAX, `Keep your name under ${VISIT_GUEST_NAME_MAX} characters.`),
});

/**
 * Someone in the call, as every participant sees them. The patient's name is not shown to
 * guests (`displayName` null for the patient): the patient's and provider's pages take it
 * from the visit itself.
 */
export const callParticipantSchema = z.object({
  /** A user id (patient, provider) or a guest id: what signals are addressed `to`. */
  id: z.uuid(),
  role: z.enum(['patient', 'provider', 'guest']),
  displayName: z.string().nullable(),
});
export type CallParticipant = z.infer<typeof callParticipantSchema>;

/** The call: realtime `visit.participants` (payload `{ call }`) in room `visit:<id>`. */
export const visitCallSchema = z.object({
  visitId: z.uuid(),
  state: z.enum(['scheduled', 'waiting', 'in-progress', 'completed', 'no-show', 'cancelled']),
  participants: z.array(callParticipantSchema),
});
export type VisitCall = z.infer<typeof visitCallSchema>;

/**
 * What a guest sees (`POST /api/visit-invites/accept`, `GET /api/guest/visit`, and realtime
 * `visit.guest` in their own room): themselves, the visit's time and state, the provider's
 * name, and the call's participants once admitted. Nothing else of the patient.
 */
export const guestVisitSchema = z.object({
  guest: z.object({ id: z.uuid(), displayName: z.string(), state: z.enum(visitGuestStates) }),
  visit: z.object({
    id: z.uuid(),
    state: visitCallSchema.shape.state,
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    provider: z.object({ displayName: z.string() }),
  }),
  /** Empty until the guest is admitted. */
  participants: z.array(callParticipantSchema),
});
export type GuestVisit = z.infer<typeof guestVisitSchema>;

export const visitGuestEventTypes = {
  /** The call's participants or state changed: payload `{ call: VisitCall }`, room `visit:`. */
  participants: 'visit.participants',
  /** A guest's own view changed (admitted, removed, visit over): `{ guestVisit: GuestVisit }`. */
  guest: 'visit.guest',
  /** The guest list changed: `{ visitId, guests: VisitGuest[] }`, the patient's and provider's rooms. */
  guests: 'visit.guests',
} as const;
