import { z } from 'zod';

/*
 * Virtual visits (docs/visits.md). A visit is a booked appointment seen through its day:
 * scheduled → waiting (the patient checked in) → in-progress (the provider admitted them)
 * → completed; or cancelled (scheduling) / no-show. The server enforces the order; a
 * transition that does not fit the visit's state answers 409 `visit-state`.
 */

export const visitStates = [
  'scheduled',
  'waiting',
  'in-progress',
  'completed',
  'no-show',
  'cancelled',
] as const;
export const visitStateSchema = z.enum(visitStates);
export type VisitState = (typeof visitStates)[number];

/** How long before the start a patient may check in. */
export const CHECK_IN_OPENS_MINUTES = 15;

const person = z.object({ id: z.uuid(), displayName: z.string() });

export const visitSchema = z.object({
  id: z.uuid(),
  clinicId: z.uuid(),
  patient: person,
  provider: person,
  visitType: z.object({ id: z.uuid(), name: z.string(), durationMinutes: z.number().int() }),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  state: visitStateSchema,
  /** From when the patient may check in (the start less CHECK_IN_OPENS_MINUTES). */
  checkInOpensAt: z.iso.datetime(),
  checkedInAt: z.iso.datetime().nullable(),
  admittedAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  /** What the provider told the waiting patient ("running about 10 minutes late"). */
  providerNote: z.string().nullable(),
});
export type Visit = z.infer<typeof visitSchema>;

export const waitingRoomSchema = z.object({
  /** Visits of the day that are waiting or in progress, longest waiting first. */
  visits: z.array(visitSchema),
});
export type WaitingRoom = z.infer<typeof waitingRoomSchema>;

export const providerNoteSchema = z.object({
  note: z
    .string()
    .trim()
    .max(200, 'Keep the note under 200 characters.')
    .nullable()
    .transform((v) => (v ? v : null)),
});

export const VISIT_CHAT_MAX = 2000;

export const visitChatSendSchema = z.object({
  /** Chosen by the sender's device: a resend lands on the same message. */
  id: z.uuid(),
  body: z
    .string()
    .trim()
    .min(1, 'Write a message.')
    .max(VISIT_CHAT_MAX, `Keep a chat message under ${VISIT_CHAT_MAX} characters.`),
});

export const visitChatMessageSchema = z.object({
  id: z.uuid(),
  visitId: z.uuid(),
  sequence: z.number().int(),
  sender: person,
  body: z.string(),
  createdAt: z.iso.datetime(),
});
export type VisitChatMessage = z.infer<typeof visitChatMessageSchema>;

export const visitChatSchema = z.object({ messages: z.array(visitChatMessageSchema) });
export type VisitChat = z.infer<typeof visitChatSchema>;

/** What a browser passes to RTCPeerConnection: STUN, and TURN with short-lived credentials. */
export const iceServersSchema = z.object({
  iceServers: z.array(
    z.object({
      urls: z.array(z.string()),
      username: z.string().optional(),
      credential: z.string().optional(),
    }),
  ),
  /** When the TURN credentials stop working; ask again before then. */
  expiresAt: z.iso.datetime().nullable(),
  /** `relay` when the clinic hides addresses behind TURN (ICE_TRANSPORT_POLICY). */
  iceTransportPolicy: z.enum(['all', 'relay']),
});
export type IceServers = z.infer<typeof iceServersSchema>;

/** Realtime events of a visit (room `visit:<id>`, and the people's own `user:` rooms). */
export const visitEventTypes = {
  /** The visit's state or note changed: payload `{ visit: Visit }`. */
  visitUpdated: 'visit.updated',
  /** A chat message: payload `{ message: VisitChatMessage }`. */
  chatMessage: 'visit.chat',
} as const;

/**
 * Signaling (client event `signal`, relayed to the visit's other participants, never
 * stored): an SDP offer/answer or an ICE candidate, addressed to one participant.
 */
export const signalSchema = z.object({
  visitId: z.uuid(),
  /** The participant it is for (their user id); everyone else in the room ignores it. */
  to: z.uuid(),
  description: z
    .object({ type: z.enum(['offer', 'answer', 'rollback']), sdp: z.string().max(100_000) })
    .optional(),
  candidate: z
    .object({
      candidate: z.string().max(2_000),
      sdpMid: z.string().max(64).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
      usernameFragment: z.string().max(256).nullable().optional(),
    })
    .nullable()
    .optional(),
  /** "I am here and ready" (a participant joining or reloading); peers answer with an offer. */
  hello: z.boolean().optional(),
});
export type Signal = z.infer<typeof signalSchema>;
