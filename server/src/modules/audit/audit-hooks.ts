import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MembershipRole } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import type { AuditAction, AuditEventInput } from './audit-event.js';
import type { AuditWriter } from './audit-writer.js';

/** How a route that touches patient data is audited (declared next to its access rule). */
export interface RouteAudit {
  action: AuditAction;
  /** The kind of record (`patient-summary`, `care-team`, `disclosure`): a fixed slug. */
  resource: string;
  /** The route parameter naming the record; defaults to `patientId`. */
  resourceParam?: string;
  /**
   * For `create`: the new record's id when it is derived from the request (a retry of the
   * same submission must land on the same id); a fresh random UUID otherwise.
   */
  newId?: (request: FastifyRequest) => string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: RouteAudit;
  }
  interface FastifyInstance {
    /** Commits a read's audit events now (routes that send text rather than JSON). */
    commitReadAudit(request: FastifyRequest): Promise<void>;
    /**
     * Records one event about the request (sign-in activity). `required`: resolves once
     * it is committed, or throws 503; `best-effort`: never throws (the outcome is a
     * refusal the caller sees anyway).
     */
    recordAudit(
      request: FastifyRequest,
      event: Pick<AuditEventInput, 'action' | 'resourceType' | 'outcome'> &
        Partial<AuditEventInput>,
      mode: 'required' | 'best-effort',
    ): Promise<void>;
  }
  interface FastifyRequest {
    /** Patients a list or search returned: one audit event each (set by the handler). */
    auditedPatients: string[] | undefined;
    /**
     * A `create` route's new record id, chosen before the change so the audit event, which
     * is committed first, names it. The handler must create the record under this id.
     */
    createdId: string | undefined;
    auditState: 'none' | 'written';
  }
}

/** The id a `create` route must give its new record (see `createdId`). */
export function createdIdOf(request: FastifyRequest): string {
  if (!request.createdId) throw new Error('createdIdOf: the route is not an audited create');
  return request.createdId;
}

/** Records that a list or search returned these patients (one audit event each). */
export function auditResults(request: FastifyRequest, patientIds: string[]) {
  request.auditedPatients = patientIds;
}

type Param = Record<string, string | undefined>;
const params = (request: FastifyRequest) => (request.params ?? {}) as Param;

/** The role the actor acted in: the relationship's role on records, else the route's. */
function actorRole(request: FastifyRequest): string | undefined {
  const actor = request.actor;
  if (!actor) return undefined;
  const basis = request.recordAccess?.basis;
  if (basis === 'self') return 'patient';
  if (basis === 'care-relationship' || basis === 'break-glass') return 'provider';
  const clinicId = params(request).clinicId;
  const held = actor.memberships
    .filter((m) => !clinicId || m.organizationId === clinicId)
    .map((m) => m.role);
  const access = request.routeOptions.config.access;
  const preferred: MembershipRole[] =
    access && 'roles' in access && access.roles
      ? access.roles
      : basis === 'clinic-staff'
        ? ['staff', 'admin']
        : ['admin', 'staff', 'provider', 'patient'];
  return preferred.find((role) => held.includes(role)) ?? held[0];
}

/** An event with the request's context filled in: who, from where, which request. */
export function eventFor(
  request: FastifyRequest,
  event: Pick<AuditEventInput, 'action' | 'resourceType' | 'outcome'> & Partial<AuditEventInput>,
  now: Date,
): AuditEventInput {
  const p = params(request);
  const userAgent = request.headers['user-agent'];
  return {
    occurredAt: now,
    actorUserId: request.actor?.userId,
    actorRole: actorRole(request),
    organizationId: p.clinicId,
    sessionId: request.actor?.sessionId,
    patientId: request.recordAccess?.patientId ?? p.patientId,
    basis: request.recordAccess?.basis,
    clientIp: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 300) : undefined,
    requestId: request.id,
    ...event,
  };
}

const unavailable = () =>
  new AppError(
    'service-unavailable',
    'The audit trail cannot be written right now, so nothing was done. Try again shortly.',
  );

/**
 * Audits every route that declares `config.audit`:
 * - changes: the event is committed before the handler runs; if it cannot be, the request
 *   fails with 503 and nothing changes; a change that then fails adds a `failed` event;
 * - reads: the events (one per patient a list returned) are committed before the response
 *   is sent; if they cannot be, the caller gets 503 instead of the data;
 * - refusals by the access policy are recorded as `denied` (best effort: the caller got
 *   nothing anyway).
 */
export function registerAuditHooks(
  app: FastifyInstance,
  writer: AuditWriter,
  now: () => Date,
  log: { error: (obj: object, msg: string) => void },
) {
  app.decorateRequest('auditedPatients', undefined);
  app.decorateRequest('createdId', undefined);
  app.decorateRequest('auditState', 'none');

  const base = (request: FastifyRequest, audit: RouteAudit) => ({
    action: audit.action,
    resourceType: audit.resource,
    resourceId: request.createdId ?? params(request)[audit.resourceParam ?? 'patientId'],
  });
  const bestEffort = (events: AuditEventInput[]) =>
    writer.record(events).catch((err: unknown) => {
      log.error({ err }, 'audit event not written');
    });

  app.addHook('preHandler', async (request) => {
    const audit = request.routeOptions.config.audit;
    if (!audit || isRead(request)) return;
    if (audit.action === 'create' && !audit.resourceParam) {
      request.createdId = audit.newId?.(request) ?? randomUUID();
    }
    try {
      await writer.record([
        eventFor(request, { ...base(request, audit), outcome: 'allowed' }, now()),
      ]);
    } catch {
      throw unavailable();
    }
    request.auditState = 'written';
  });

  async function commitRead(request: FastifyRequest) {
    const audit = request.routeOptions.config.audit;
    if (!audit || request.auditState === 'written') return;
    const events =
      request.auditedPatients !== undefined
        ? readEventsForList(request, audit)
        : [eventFor(request, { ...base(request, audit), outcome: 'allowed' }, now())];
    try {
      await writer.record(events);
    } catch (err) {
      log.error({ err }, 'audit trail unavailable: response withheld');
      throw unavailable();
    }
    request.auditState = 'written';
  }
  app.decorate('commitReadAudit', commitRead);
  app.decorate('recordAudit', async (request, event, mode) => {
    const entry = eventFor(request, event, now());
    if (mode === 'best-effort') return bestEffort([entry]);
    try {
      await writer.record([entry]);
    } catch (err) {
      log.error({ err }, 'audit trail unavailable');
      throw unavailable();
    }
  });

  // Reads: the events are committed before the body is even serialized; if they cannot be,
  // the error handler answers 503 instead of the data. (Text bodies, which skip this hook,
  // call commitReadAudit themselves.)
  app.addHook('preSerialization', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    if (isRead(request) && reply.statusCode < 400) await commitRead(request);
    return payload;
  });

  // The safety net: a read that reached onSend unaudited (a text body whose route forgot
  // commitReadAudit) is audited here or refused.
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    if (isRead(request) && reply.statusCode < 400) await commitRead(request);
    return payload;
  });

  // Refusals and failures, after the response: the caller got nothing to audit as a read.
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const audit = request.routeOptions.config.audit;
    const status = reply.statusCode;
    if (!audit || status < 400 || status === 503) return;
    const granted = request.auditState === 'written' || request.recordAccess !== undefined;
    const refused = status === 401 || status === 403 || (status === 404 && !granted);
    if (!granted && !refused) return; // e.g. invalid input: nothing was reached
    await bestEffort([
      eventFor(request, { ...base(request, audit), outcome: refused ? 'denied' : 'failed' }, now()),
    ]);
  });

  function readEventsForList(request: FastifyRequest, audit: RouteAudit): AuditEventInput[] {
    const at = now();
    const patients = request.auditedPatients ?? [];
    // An empty result is still a search that happened.
    if (!patients.length)
      return [eventFor(request, { ...base(request, audit), outcome: 'allowed' }, at)];
    return patients.map((patientId) =>
      eventFor(
        request,
        {
          action: audit.action,
          resourceType: audit.resource,
          resourceId: patientId,
          patientId,
          outcome: 'allowed',
        },
        at,
      ),
    );
  }
}

const isRead = (request: FastifyRequest) => request.method === 'GET' || request.method === 'HEAD';
