import {
  messagingEventTypes,
  type MessageCreatedEvent,
  type MessageSide,
  type ThreadReadEvent,
  type ThreadUpdatedEvent,
  type UnreadChangedEvent,
} from '@openvisit/contracts';
import type { RealtimeEventInput } from '../../platform/realtime/event-log.js';
import type { MessageRow, ThreadRow } from './thread-queries.js';

/*
 * The realtime events messaging writes, in the same transaction as the change they report
 * (contracts/messaging.ts has their payload schemas). Rooms: `thread:<id>` for whoever has
 * the thread open, `user:<id>` for a person's own devices, `clinic-inbox:<clinic>` for the
 * care team's inbox. Inbox events carry ids only: every provider of the clinic may join
 * that room, not only the patient's own.
 */

export const sideOf = (thread: Pick<ThreadRow, 'patientUserId'>, userId: string): MessageSide =>
  userId === thread.patientUserId ? 'patient' : 'care-team';

export function messageCreated(
  thread: ThreadRow,
  message: MessageRow,
  sender: { displayName: string },
  attachmentIds: string[],
): RealtimeEventInput {
  const payload: MessageCreatedEvent = {
    clinicId: thread.organizationId,
    threadId: thread.id,
    message: {
      id: message.id,
      threadId: thread.id,
      sequence: message.sequence,
      body: message.body,
      createdAt: message.createdAt.toISOString(),
      sender: {
        id: message.senderUserId,
        displayName: sender.displayName,
        side: sideOf(thread, message.senderUserId),
      },
      attachmentIds,
    },
  };
  return {
    organizationId: thread.organizationId,
    room: `thread:${thread.id}`,
    type: messagingEventTypes.messageCreated,
    payload,
  };
}

export function unreadChanged(
  thread: ThreadRow,
  userId: string,
  unread: number,
): RealtimeEventInput {
  const payload: UnreadChangedEvent = {
    clinicId: thread.organizationId,
    threadId: thread.id,
    unread,
  };
  return {
    organizationId: thread.organizationId,
    room: `user:${userId}`,
    type: messagingEventTypes.unreadChanged,
    payload,
  };
}

export function threadRead(
  thread: ThreadRow,
  side: MessageSide,
  receipt: { upToSequence: number; at: Date },
): RealtimeEventInput {
  const payload: ThreadReadEvent = {
    clinicId: thread.organizationId,
    threadId: thread.id,
    side,
    upToSequence: receipt.upToSequence,
    at: receipt.at.toISOString(),
  };
  return {
    organizationId: thread.organizationId,
    room: `thread:${thread.id}`,
    type: messagingEventTypes.threadRead,
    payload,
  };
}

/**
 * The thread's state for the inbox; with `everywhere`, also for whoever has it open and
 * for the patient's own devices (a status or assignee change).
 */
export function threadUpdated(thread: ThreadRow, everywhere: boolean): RealtimeEventInput[] {
  const payload: ThreadUpdatedEvent = {
    clinicId: thread.organizationId,
    threadId: thread.id,
    status: thread.status as ThreadUpdatedEvent['status'],
    assigneeId: thread.assignedTo,
    lastMessageAt: thread.lastMessageAt.toISOString(),
  };
  const rooms = everywhere
    ? ([
        `clinic-inbox:${thread.organizationId}`,
        `thread:${thread.id}`,
        `user:${thread.patientUserId}`,
      ] as const)
    : ([`clinic-inbox:${thread.organizationId}`] as const);
  return rooms.map((room) => ({
    organizationId: thread.organizationId,
    room,
    type: messagingEventTypes.threadUpdated,
    payload,
  }));
}
