import { z } from 'zod';

/*
 * Secure messaging between a patient and their care team at a clinic (docs/messaging.md).
 * A thread belongs to one patient; its messages are ordered by `sequence`. "Sides": the
 * patient on one, everyone else who may see the thread (staff, admins, the patient's
 * providers) on the other, the care team. Unread counts and read receipts are per side.
 */

/**
 * Shown wherever a patient writes or reads messages, and carried by the API answers a
 * patient's app renders: messaging is answered in office hours, never in an emergency.
 */
export const MESSAGING_EMERGENCY_NOTICE =
  'Messages are not for emergencies. If this is an emergency, call 911 or go to the nearest emergency room. In a mental health crisis, call or text 988. Your care team answers messages during office hours.' as const;

export const messageThreadStatuses = ['open', 'waiting-on-patient', 'closed'] as const;
export const messageThreadStatusSchema = z.enum(messageThreadStatuses, {
  message: 'Choose open, waiting-on-patient or closed.',
});
export type MessageThreadStatus = (typeof messageThreadStatuses)[number];

export const messageSides = ['patient', 'care-team'] as const;
export type MessageSide = (typeof messageSides)[number];

export const MESSAGE_BODY_MAX = 5000;
export const MESSAGE_ATTACHMENTS_MAX = 10;

export const messageBodySchema = z
  .string()
  .trim()
  .min(1, 'Write a message.')
  .max(MESSAGE_BODY_MAX, `Keep a message under ${MESSAGE_BODY_MAX} characters.`);

export const messageSubjectSchema = z
  .string()
  .trim()
  .min(1, 'Give the conversation a subject.')
  .max(200, 'Keep the subject under 200 characters.');

/** Documents already in the patient's chart (uploaded through the documents routes first). */
export const messageAttachmentIdsSchema = z
  .array(z.uuid())
  .max(MESSAGE_ATTACHMENTS_MAX, `Attach at most ${MESSAGE_ATTACHMENTS_MAX} documents.`)
  .refine((ids) => new Set(ids).size === ids.length, 'Attach each document once.')
  .default([]);

/**
 * Start a thread (the patient, or the care team to the patient). `status` is the care
 * team's choice only (e.g. waiting-on-patient); a patient's thread is open. Retries carry
 * the same `Idempotency-Key` header and land on the same thread.
 */
export const messageThreadCreateSchema = z.object({
  subject: messageSubjectSchema,
  body: messageBodySchema,
  attachmentIds: messageAttachmentIdsSchema,
  status: messageThreadStatusSchema.optional(),
});
export type MessageThreadCreate = z.input<typeof messageThreadCreateSchema>;

/**
 * Send a message. `id` is chosen by the sending device (a UUID) before the first attempt:
 * resending the same id answers the stored message (200, `Idempotent-Replayed: true`);
 * reusing it for a different message is a 409. A patient's message (re)opens the thread;
 * the care team may set `status` with their reply (e.g. waiting-on-patient).
 */
export const messageSendSchema = z.object({
  id: z.uuid(),
  body: messageBodySchema,
  attachmentIds: messageAttachmentIdsSchema,
  status: messageThreadStatusSchema.optional(),
});
export type MessageSend = z.input<typeof messageSendSchema>;

/** Read up to (and including) this sequence; a marker never moves back. */
export const messageThreadReadSchema = z.object({
  upToSequence: z.number().int().min(0),
});
export type MessageThreadRead = z.input<typeof messageThreadReadSchema>;

/** The care team works a thread: its status and who is on it (null: unassigned). */
export const messageThreadUpdateSchema = z
  .object({
    status: messageThreadStatusSchema.optional(),
    assignedTo: z.uuid().nullable().optional(),
  })
  .refine((v) => v.status !== undefined || v.assignedTo !== undefined, {
    message: 'Change the status, the assignee, or both.',
  });
export type MessageThreadUpdate = z.input<typeof messageThreadUpdateSchema>;

const cursorSchema = z.string().max(200).optional();
const pageSizeSchema = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

export const messageInboxQuerySchema = z.object({
  /** Every status when absent. */
  status: messageThreadStatusSchema.optional(),
  assigned: z.enum(['me', 'unassigned', 'anyone']).default('anyone'),
  /** `nextCursor` of the previous page. */
  cursor: cursorSchema,
  limit: pageSizeSchema(25, 100),
});
export type MessageInboxQuery = z.input<typeof messageInboxQuerySchema>;

export const patientThreadsQuerySchema = z.object({
  cursor: cursorSchema,
  limit: pageSizeSchema(25, 100),
});
export type PatientThreadsQuery = z.input<typeof patientThreadsQuerySchema>;

/**
 * A page of messages, oldest first. Neither bound: the newest `limit`. `after`: the ones
 * following that sequence (catching up); `before`: the ones preceding it (scrolling back).
 */
export const messageThreadQuerySchema = z
  .object({
    after: z.coerce.number().int().min(0).optional(),
    before: z.coerce.number().int().min(1).optional(),
    limit: pageSizeSchema(50, 200),
  })
  .refine((v) => v.after === undefined || v.before === undefined, {
    message: 'Page with after or before, not both.',
  });
export type MessageThreadQuery = z.input<typeof messageThreadQuerySchema>;

const personSchema = z.object({ id: z.uuid(), displayName: z.string() });

export const messageThreadSummarySchema = z.object({
  id: z.uuid(),
  clinicId: z.uuid(),
  patient: personSchema,
  subject: z.string(),
  status: messageThreadStatusSchema,
  assignee: personSchema.nullable(),
  createdBy: personSchema,
  createdAt: z.iso.datetime(),
  lastMessageAt: z.iso.datetime(),
  /** Messages from the other side the caller has not read yet. */
  unread: z.number().int(),
});
export type MessageThreadSummary = z.infer<typeof messageThreadSummarySchema>;

/**
 * A document attached to a message. `available` is false when the caller may not open it
 * (a clinical document seen by the front desk); its name is withheld then.
 */
export const messageAttachmentSchema = z.object({
  documentId: z.uuid(),
  available: z.boolean(),
  fileName: z.string().nullable(),
  mediaType: z.string().nullable(),
  sizeBytes: z.number().int().nullable(),
  /** The document was withdrawn from the chart after it was attached. */
  retracted: z.boolean(),
});
export type MessageAttachment = z.infer<typeof messageAttachmentSchema>;

export const messageSenderSchema = personSchema.extend({ side: z.enum(messageSides) });

export const messageSchema = z.object({
  id: z.uuid(),
  threadId: z.uuid(),
  sequence: z.number().int(),
  body: z.string(),
  createdAt: z.iso.datetime(),
  sender: messageSenderSchema,
  attachments: z.array(messageAttachmentSchema),
  /** The other side has read it (for the patient: the care team has). */
  readByRecipient: z.boolean(),
});
export type Message = z.infer<typeof messageSchema>;

/** How far one side has read: the furthest sequence, and when that was read. */
export const readReceiptSchema = z.object({
  upToSequence: z.number().int(),
  at: z.iso.datetime(),
});
export type ReadReceipt = z.infer<typeof readReceiptSchema>;

export const patientThreadListSchema = z.object({
  threads: z.array(messageThreadSummarySchema),
  nextCursor: z.string().nullable(),
  emergencyNotice: z.literal(MESSAGING_EMERGENCY_NOTICE),
});
export type PatientThreadList = z.infer<typeof patientThreadListSchema>;

export const messageInboxSchema = z.object({
  /** Newest activity first. */
  threads: z.array(messageThreadSummarySchema),
  nextCursor: z.string().nullable(),
});
export type MessageInbox = z.infer<typeof messageInboxSchema>;

export const messageThreadDetailSchema = z.object({
  thread: messageThreadSummarySchema,
  /** Oldest first. */
  messages: z.array(messageSchema),
  /** More messages precede the first one shown / follow the last one shown. */
  hasOlder: z.boolean(),
  hasNewer: z.boolean(),
  /** The caller's side and how far the caller has read. */
  viewerSide: z.enum(messageSides),
  viewerReadUpTo: z.number().int(),
  /** "Read by care team at ..." for the patient; "read by the patient" for the care team. */
  receipts: z.object({
    patient: readReceiptSchema.nullable(),
    careTeam: readReceiptSchema.nullable(),
  }),
  emergencyNotice: z.literal(MESSAGING_EMERGENCY_NOTICE),
});
export type MessageThreadDetail = z.infer<typeof messageThreadDetailSchema>;

export const messageThreadCreatedSchema = z.object({
  thread: messageThreadSummarySchema,
  message: messageSchema,
  emergencyNotice: z.literal(MESSAGING_EMERGENCY_NOTICE),
});
export type MessageThreadCreated = z.infer<typeof messageThreadCreatedSchema>;

export const messageSentSchema = z.object({
  message: messageSchema,
  thread: messageThreadSummarySchema,
});
export type MessageSent = z.infer<typeof messageSentSchema>;

export const messageThreadReadResultSchema = z.object({
  threadId: z.uuid(),
  /** The caller's marker after the call (unchanged when the request was behind it). */
  upToSequence: z.number().int(),
  unread: z.number().int(),
});
export type MessageThreadReadResult = z.infer<typeof messageThreadReadResultSchema>;

export const myUnreadSchema = z.object({
  clinics: z.array(z.object({ clinicId: z.uuid(), unread: z.number().int() })),
  total: z.number().int(),
});
export type MyUnread = z.infer<typeof myUnreadSchema>;

/*
 * Realtime events (rooms and delivery: platform/realtime). Payloads carry what a client
 * needs to update the screen it shows; when in doubt it refetches over HTTP.
 */

/** To `thread:<id>`. Attachments as ids only: names depend on who reads (refetch them). */
export const messageCreatedEventSchema = z.object({
  clinicId: z.uuid(),
  threadId: z.uuid(),
  message: z.object({
    id: z.uuid(),
    threadId: z.uuid(),
    sequence: z.number().int(),
    body: z.string(),
    createdAt: z.iso.datetime(),
    sender: messageSenderSchema,
    attachmentIds: z.array(z.uuid()),
  }),
});
export type MessageCreatedEvent = z.infer<typeof messageCreatedEventSchema>;

/** To `user:<id>`: the person's unread count in one thread changed (refetch the badge). */
export const unreadChangedEventSchema = z.object({
  clinicId: z.uuid(),
  threadId: z.uuid(),
  unread: z.number().int(),
});
export type UnreadChangedEvent = z.infer<typeof unreadChangedEventSchema>;

/** To `thread:<id>`: a side read further (keep the larger sequence per side). */
export const threadReadEventSchema = z.object({
  clinicId: z.uuid(),
  threadId: z.uuid(),
  side: z.enum(messageSides),
  upToSequence: z.number().int(),
  at: z.iso.datetime(),
});
export type ThreadReadEvent = z.infer<typeof threadReadEventSchema>;

/**
 * To `clinic-inbox:<clinic>`, and to `thread:<id>` and the patient's `user:<id>` when the
 * status or assignee changed. Ids only: every provider of the clinic is in the inbox room,
 * so the inbox refetches its (access-filtered) page instead of reading names from here.
 */
export const threadUpdatedEventSchema = z.object({
  clinicId: z.uuid(),
  threadId: z.uuid(),
  status: messageThreadStatusSchema,
  assigneeId: z.uuid().nullable(),
  lastMessageAt: z.iso.datetime(),
});
export type ThreadUpdatedEvent = z.infer<typeof threadUpdatedEventSchema>;

export const messagingEventTypes = {
  messageCreated: 'message.created',
  unreadChanged: 'unread.changed',
  threadRead: 'thread.read',
  threadUpdated: 'thread.updated',
} as const;
