import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  idempotencyKeySchema,
  messageInboxQuerySchema,
  messageInboxSchema,
  messageSendSchema,
  messageSentSchema,
  messageThreadCreateSchema,
  messageThreadCreatedSchema,
  messageThreadDetailSchema,
  messageThreadQuerySchema,
  messageThreadReadResultSchema,
  messageThreadReadSchema,
  messageThreadSummarySchema,
  messageThreadUpdateSchema,
  myUnreadSchema,
  patientThreadListSchema,
  patientThreadsQuerySchema,
  problemSchema,
} from '@openvisit/contracts';
import { requireActor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { nameBasedId } from '../../platform/name-based-id.js';
import { auditResults, createdIdOf, type RouteAudit } from '../audit/audit-hooks.js';
import { inboxWorkers, patientMessages, threadMessages, threadWork } from './messaging-access.js';
import type { MessagingService, ThreadViewer } from './messaging-service.js';

const tags = ['messaging'];
const clinicParams = z.object({ clinicId: z.uuid() });
const patientParams = clinicParams.extend({ patientId: z.uuid() });
const threadParams = clinicParams.extend({ threadId: z.uuid() });
const problems = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

/** Every change to a thread is audited as an update of it, for its patient. */
const threadChange: RouteAudit = {
  action: 'update',
  resource: 'message-thread',
  resourceParam: 'threadId',
};

/** A retried "start a conversation" lands on the same thread. */
export const threadIdFor = (clinicId: string, patientId: string, key: string) =>
  nameBasedId(`message-thread:${clinicId}:${patientId}:${key}`);

/** The optional `Idempotency-Key` header, checked here: a header schema would drop the others. */
function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) {
    throw new AppError('validation', 'One or more fields are not valid.', [
      { path: 'headers.idempotency-key', message: parsed.error.issues[0]!.message },
    ]);
  }
  return parsed.data;
}

/** The caller and the basis on which the access policy let them reach the thread. */
function viewerOf(request: FastifyRequest): ThreadViewer {
  const actor = requireActor(request);
  if (!request.recordAccess) throw new AppError('forbidden');
  return { userId: actor.userId, basis: request.recordAccess.basis };
}

const param = (request: FastifyRequest, name: string) =>
  (request.params as Record<string, string>)[name]!;

export const messagingRoutes: FastifyPluginAsyncZod<{ messaging: MessagingService }> = async (
  app,
  { messaging },
) => {
  app.post(
    '/api/clinics/:clinicId/patients/:patientId/threads',
    {
      config: {
        access: patientMessages,
        audit: {
          action: 'create',
          resource: 'message-thread',
          newId: (request) => {
            const key = idempotencyKey(request.headers['idempotency-key']);
            return key
              ? threadIdFor(param(request, 'clinicId'), param(request, 'patientId'), key)
              : randomUUID();
          },
        },
      },
      // A malformed key is refused before the change is audited as attempted.
      preValidation: async (request) => void idempotencyKey(request.headers['idempotency-key']),
      schema: {
        tags,
        summary: 'Start a conversation with the care team (or, as the care team, with the patient)',
        description:
          'Idempotency-Key honoured: a retry answers the same thread with `Idempotent-Replayed: true`. The answer carries the emergency notice the patient must be shown.',
        params: patientParams,
        body: messageThreadCreateSchema,
        response: { 201: messageThreadCreatedSchema, ...problems },
      },
    },
    async (request, reply) => {
      const { clinicId, patientId } = request.params;
      const { created, replayed } = await messaging.startThread({
        threadId: createdIdOf(request),
        clinicId,
        patientId,
        viewer: viewerOf(request),
        subject: request.body.subject,
        body: request.body.body,
        attachmentIds: request.body.attachmentIds,
        status: request.body.status,
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/clinics/:clinicId/patients/:patientId/threads',
    {
      config: { access: patientMessages, audit: { action: 'read', resource: 'message-thread' } },
      schema: {
        tags,
        summary: "The patient's conversations, newest activity first, with the caller's unread",
        params: patientParams,
        querystring: patientThreadsQuerySchema,
        response: { 200: patientThreadListSchema, ...problems },
      },
    },
    async (request) => {
      const { clinicId, patientId } = request.params;
      return messaging.patientThreads(clinicId, patientId, requireActor(request).userId, {
        cursor: request.query.cursor,
        limit: request.query.limit,
      });
    },
  );

  app.get(
    '/api/clinics/:clinicId/inbox',
    {
      config: { access: inboxWorkers, audit: { action: 'read', resource: 'message-thread' } },
      schema: {
        tags,
        summary: "The care team's shared inbox: the threads the caller may see, newest first",
        description:
          'Staff and admins see every thread of the clinic; a provider sees those of the patients they care for.',
        params: clinicParams,
        querystring: messageInboxQuerySchema,
        response: { 200: messageInboxSchema, ...problems },
      },
    },
    async (request) => {
      const { clinicId } = request.params;
      const actor = requireActor(request);
      const inbox = await messaging.inbox(
        clinicId,
        {
          userId: actor.userId,
          roles: actor.memberships.filter((m) => m.organizationId === clinicId).map((m) => m.role),
        },
        request.query,
      );
      auditResults(request, [...new Set(inbox.threads.map((t) => t.patient.id))]);
      return inbox;
    },
  );

  app.get(
    '/api/clinics/:clinicId/threads/:threadId',
    {
      config: {
        access: threadMessages,
        audit: { action: 'read', resource: 'message-thread', resourceParam: 'threadId' },
      },
      schema: {
        tags,
        summary: 'A conversation: a page of its messages (by sequence), attachments and receipts',
        params: threadParams,
        querystring: messageThreadQuerySchema,
        response: { 200: messageThreadDetailSchema, ...problems },
      },
    },
    async (request) =>
      messaging.thread(request.params.threadId, viewerOf(request), {
        after: request.query.after,
        before: request.query.before,
        limit: request.query.limit,
      }),
  );

  app.post(
    '/api/clinics/:clinicId/threads/:threadId/messages',
    {
      config: { access: threadMessages, audit: threadChange },
      schema: {
        tags,
        summary: 'Send a message (idempotent by the id the device chose)',
        description:
          '201 when stored; the same id again answers the stored message with 200 and `Idempotent-Replayed: true`; the same id with another message is a 409.',
        params: threadParams,
        body: messageSendSchema,
        response: { 200: messageSentSchema, 201: messageSentSchema, ...problems },
      },
    },
    async (request, reply) => {
      const { sent, replayed } = await messaging.send({
        threadId: request.params.threadId,
        messageId: request.body.id,
        viewer: viewerOf(request),
        body: request.body.body,
        attachmentIds: request.body.attachmentIds,
        status: request.body.status,
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(replayed ? 200 : 201).send(sent);
    },
  );

  app.post(
    '/api/clinics/:clinicId/threads/:threadId/read',
    {
      config: { access: threadMessages, audit: threadChange },
      schema: {
        tags,
        summary: 'Mark the conversation read up to a sequence (never moves back)',
        params: threadParams,
        body: messageThreadReadSchema,
        response: { 200: messageThreadReadResultSchema, ...problems },
      },
    },
    async (request) =>
      messaging.markRead(request.params.threadId, viewerOf(request), request.body.upToSequence),
  );

  app.patch(
    '/api/clinics/:clinicId/threads/:threadId',
    {
      config: { access: threadWork, audit: threadChange },
      schema: {
        tags,
        summary: "Work a conversation: its status and assignee (the care team's)",
        params: threadParams,
        body: messageThreadUpdateSchema,
        response: { 200: messageThreadSummarySchema, ...problems },
      },
    },
    async (request) => messaging.update(request.params.threadId, viewerOf(request), request.body),
  );

  app.get(
    '/api/me/unread',
    {
      // Counts per clinic, no record and no patient named: nothing to audit.
      config: { access: { rule: 'authenticated' } },
      schema: {
        tags,
        summary: "The caller's unread messages per clinic (the badge)",
        response: { 200: myUnreadSchema },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      return messaging.myUnread(actor.userId, actor.memberships);
    },
  );
};
