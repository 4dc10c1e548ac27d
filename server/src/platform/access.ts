import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';
import {
  decideRecordAccess,
  type PatientRecordRule,
  type RecordAccess,
  type RecordFacts,
} from './record-access.js';

/**
 * Every route declares who may call it in `config.access`; a route without a rule is
 * refused (deny by default) and fails the route-inventory test. Rules so far:
 * - `public`: anyone, signed in or not (health, docs, the web app, a clinic's public page);
 * - `metrics`: the Prometheus scraper; the route itself checks the bearer token;
 * - `authenticated`: a fully signed-in person (second factor included where required),
 *   acting on their own account only;
 * - `signing-in`: a session that has passed the password step but may still owe its
 *   second factor: only the routes that finish signing in (and sign-out) use it.
 * - `clinic-role`: a role at the clinic named by the route's `:clinicId`;
 * - `patient-record`: a patient's record at `:clinicId`/`:patientId` (or at a record of
 *   theirs the route names, `locate`), decided by the relationship between the actor and
 *   the patient (see record-access.ts).
 * - `webhook`: a provider calling us back (Twilio's incoming texts). No session and no
 *   CSRF header: the route itself authenticates the call by the provider's signature and
 *   changes nothing until that signature verifies.
 * - `visit-guest`: a guest of a video visit (no account). The session cookie plays no part:
 *   the route itself authenticates the guest by their own cookie (modules/visits) and
 *   answers 401 without a valid one. That cookie opens no route of any other rule.
 */
export type AccessRule =
  | { rule: 'public' }
  | { rule: 'metrics' }
  | { rule: 'authenticated' }
  | { rule: 'signing-in' }
  | { rule: 'webhook' }
  | { rule: 'visit-guest' }
  /**
   * A fully signed-in person holding one of `roles` in the clinic named by the route's
   * `:clinicId` parameter. Nobody reaches another clinic's routes, whatever their roles.
   */
  | { rule: 'clinic-role'; roles: MembershipRole[] }
  | PatientRecordRule;

/**
 * How far sign-in has got. `complete`: password, plus a second factor when the person has
 * one or their role requires one. Before that a session may only finish signing in.
 */
export type SignInStage = 'complete' | 'mfa-challenge' | 'mfa-enrollment';

export type MembershipRole = 'patient' | 'provider' | 'staff' | 'admin';

/** The signed-in person making a request, as the session resolved them. */
export interface Actor {
  userId: string;
  sessionId: string;
  memberships: { organizationId: string; role: MembershipRole }[];
  /** When the session ends at the latest (absolute limit). */
  expiresAt: Date;
  /** When it ends without further activity (idle limit). */
  idleExpiresAt: Date;
  /** The idle limit itself, so the web app can say it and warn in time. */
  idleTimeoutSeconds: number;
  stage: SignInStage;
  /**
   * Set only for a video visit's guest on a socket (never on HTTP, where guests reach
   * `visit-guest` routes alone): the one visit they belong to. `userId` is then the guest's
   * id, not a person's, and `memberships` is empty.
   */
  guestOf?: { organizationId: string; visitId: string } | undefined;
}

/**
 * Says whose record a record is, for `patient-record` routes that name the record rather
 * than the patient (`locate`): the patient's id, or undefined when there is no such record
 * at that clinic. Keyed by the rule's `locate.kind`; the module owning the record answers.
 */
export type RecordLocators = Record<
  string,
  (clinicId: string, recordId: string) => Promise<string | undefined>
>;

/** Finds the actor behind a request (the identity module reads its session cookie). */
export type ActorResolver = (request: FastifyRequest) => Promise<Actor | undefined>;

/**
 * Looks up what the access decision needs about a patient (the care module answers).
 * `providerId` is set when the actor is a provider there, so relationships matter.
 */
export type RecordFactsResolver = (
  clinicId: string,
  patientId: string,
  providerId: string | undefined,
) => Promise<RecordFacts>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the access hook for every matched route; undefined when nobody is signed in. */
    actor: Actor | undefined;
    /** Set on patient-record routes: whose record, and on what basis it was opened. */
    recordAccess: RecordAccess | undefined;
  }
  interface FastifyContextConfig {
    access?: AccessRule;
    /**
     * Groups the many routes a plugin registers (one per static file) under one metrics
     * label, so the series count does not grow with every deploy.
     */
    routeGroup?: string;
  }
}

export interface RouteRecord {
  method: string;
  url: string;
  access: AccessRule | undefined;
  routeGroup: string | undefined;
  /** The route's whole config (modules add their own declarations, e.g. `audit`). */
  config: FastifyContextConfig;
}

/** Records every route with its declared rule so tests can enumerate them. */
export function collectRoutes(app: FastifyInstance): RouteRecord[] {
  const routes: RouteRecord[] = [];
  app.addHook('onRoute', (route) => {
    // CORS preflight (`OPTIONS *`, added by @fastify/cors) carries no data.
    if (route.method === 'OPTIONS' && route.url === '*') {
      route.config = { ...route.config, access: { rule: 'public' } };
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      // Read lazily: hooks of inner scopes (markRoutesPublic) run after this one.
      routes.push({
        method,
        url: route.url,
        get access() {
          return route.config?.access;
        },
        get routeGroup() {
          return route.config?.routeGroup;
        },
        get config() {
          return route.config ?? {};
        },
      });
    }
  });
  return routes;
}

/**
 * Marks the routes a third-party plugin registers (static files, API docs) as public and
 * groups them under one name; the route inventory test lists the groups it expects.
 */
export function markRoutesPublic(scope: FastifyInstance, routeGroup: string) {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: { rule: 'public' }, routeGroup };
  });
}

/** The access hook: resolves the actor, then applies the route's declared rule. */
export function accessHook(
  resolveActor: ActorResolver,
  resolveFacts: RecordFactsResolver,
  locators: RecordLocators = {},
) {
  async function signedIn(request: FastifyRequest): Promise<Actor> {
    const actor = await resolveActor(request);
    request.actor = actor;
    if (!actor) throw new AppError('unauthenticated', 'Sign in to continue.');
    if (actor.stage !== 'complete') throw new AppError('mfa-required');
    return actor;
  }

  /** The patient whose record the route names (undefined: none at this clinic). */
  async function locate(
    target: { kind: string; param: string },
    clinicId: string,
    recordId: unknown,
  ): Promise<string | undefined> {
    const locator = locators[target.kind];
    if (!locator) throw new AppError('forbidden', 'This route names a record nobody locates.');
    return isUuid(recordId) ? locator(clinicId, recordId) : undefined;
  }

  return async function enforceAccess(request: FastifyRequest): Promise<void> {
    // Unmatched requests go to the not-found handler, which has no rule and needs none.
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    switch (access?.rule) {
      case 'public':
      case 'metrics':
      case 'webhook':
      case 'visit-guest':
        return;
      case 'clinic-role': {
        const actor = await signedIn(request);
        const clinicId = (request.params as { clinicId?: unknown }).clinicId;
        const allowed = actor.memberships.some(
          (m) => m.organizationId === clinicId && access.roles.includes(m.role),
        );
        // Another clinic's id answers like a missing one: its existence is not disclosed.
        if (!allowed) throw new AppError('not-found', 'Nothing exists at this address.');
        return;
      }
      case 'patient-record': {
        const actor = await signedIn(request);
        const params = request.params as Record<string, unknown>;
        const clinicId = params.clinicId;
        // Ids are checked here, before validation, so a malformed one never reaches SQL.
        if (!isUuid(clinicId)) throw new AppError('not-found', 'Nothing exists at this address.');
        const patientId = access.locate
          ? await locate(access.locate, clinicId, params[access.locate.param])
          : params.patientId;
        if (!isUuid(patientId)) {
          throw new AppError('not-found', 'Nothing exists at this address.');
        }
        const isProviderThere = actor.memberships.some(
          (m) => m.organizationId === clinicId && m.role === 'provider',
        );
        const facts = await resolveFacts(
          clinicId,
          patientId,
          isProviderThere ? actor.userId : undefined,
        );
        request.recordAccess = decideRecordAccess(actor, clinicId, patientId, access, facts);
        return;
      }
      case 'authenticated':
      case 'signing-in':
        request.actor = await resolveActor(request);
        if (!request.actor) throw new AppError('unauthenticated', 'Sign in to continue.');
        if (access.rule === 'authenticated' && request.actor.stage !== 'complete') {
          throw new AppError(
            'mfa-required',
            request.actor.stage === 'mfa-enrollment'
              ? 'Your role requires two-step sign-in: set up an authenticator app first.'
              : 'Enter the code from your authenticator app to finish signing in.',
          );
        }
        return;
      default:
        throw new AppError('forbidden', 'This route declares no access rule.');
    }
  };
}

/** The signed-in actor of a route whose rule required one (the access hook set it). */
export function requireActor(request: { actor: Actor | undefined }): Actor {
  if (!request.actor) throw new AppError('unauthenticated');
  return request.actor;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && uuidPattern.test(value);
