import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { clinicRoutes } from './modules/clinics/routes.js';
import { createClinicService } from './modules/clinics/service.js';
import { healthRoutes } from './modules/health/routes.js';
import { CHECK_TIMEOUT_MS, createHealthService, type Probe } from './modules/health/service.js';
import { systemRoutes } from './modules/system/routes.js';
import {
  accessHook,
  collectRoutes,
  markRoutesPublic,
  type RouteRecord,
} from './platform/access.js';
import { systemClock, type Clock } from './platform/clock.js';
import { csrfHook } from './platform/csrf.js';
import type { Mailer } from './platform/mail/mailer.js';
import { createOutboxMailer } from './platform/mail/outbox-mailer.js';
import { createAccountService } from './modules/identity/account-service.js';
import { identityRoutes } from './modules/identity/routes.js';
import { mfaRoutes } from './modules/identity/mfa-routes.js';
import { clinicPeopleRoutes } from './modules/identity/clinic-people-routes.js';
import { createClinicPeopleService } from './modules/identity/clinic-people-service.js';
import { createMfaService } from './modules/identity/mfa-service.js';
import { createPeopleDirectory } from './modules/identity/people-directory.js';
import { createCareService } from './modules/care/care-service.js';
import { careRoutes } from './modules/care/routes.js';
import { createConsentService } from './modules/consents/consent-service.js';
import { consentRoutes } from './modules/consents/routes.js';
import { createLicensingService } from './modules/providers/licensing.js';
import { createProviderService } from './modules/providers/provider-service.js';
import { providerRoutes } from './modules/providers/routes.js';
import { createAvailabilityModule } from './modules/scheduling/availability-module.js';
import { availabilityRoutes } from './modules/scheduling/availability-routes.js';
import {
  createBusySpans,
  isPatientsAppointment,
  visitRelationship,
} from './modules/scheduling/appointment-queries.js';
import { appointmentRoutes } from './modules/scheduling/appointment-routes.js';
import { createAppointmentService } from './modules/scheduling/appointment-service.js';
import { appointmentOwner } from './modules/scheduling/appointment-queries.js';
import { createVisitService, type VisitService } from './modules/visits/visit-service.js';
import { visitRoutes } from './modules/visits/visit-routes.js';
import { createVisitNoteService } from './modules/visit-notes/visit-note-service.js';
import { visitNoteRoutes } from './modules/visit-notes/visit-note-routes.js';
import { VISIT } from './modules/visits/visit-access.js';
import { registerVisitRooms, registerVisitSignaling } from './modules/visits/visit-signaling.js';
import { createVisitGuestService, type VisitGuestService } from './modules/visits/visit-guests.js';
import { visitGuestRoutes } from './modules/visits/visit-guest-routes.js';
import { readGuestToken } from './modules/visits/visit-guest-cookie.js';
import { iceServersFor } from './platform/turn/turn-credentials.js';
import { createAppointmentNotices } from './modules/scheduling/appointment-notices.js';
import type { JobQueue } from './platform/jobs/job-queue.js';
import { createIntakeService } from './modules/intake/intake-service.js';
import { intakeRoutes } from './modules/intake/routes.js';
import { createPatientChart } from './modules/patients/patient-chart.js';
import { chartRoutes } from './modules/patients/chart-routes.js';
import { correctionRoutes } from './modules/patients/correction-routes.js';
import { createDocumentService } from './modules/documents/document-service.js';
import { documentRoutes } from './modules/documents/routes.js';
import { createNotificationPreferences } from './modules/notifications/preferences-service.js';
import { preferencesRoutes } from './modules/notifications/preferences-routes.js';
import { createSmsOptOuts } from './modules/notifications/sms-opt-outs.js';
import { smsWebhookRoutes } from './modules/notifications/sms-webhook-routes.js';
import { MESSAGE_THREAD } from './modules/messaging/messaging-access.js';
import { createMessageNotices } from './modules/messaging/message-notices.js';
import { createMessagingService } from './modules/messaging/messaging-service.js';
import {
  createMessagingRoomAccess,
  type MessagingRoomAccess,
} from './modules/messaging/room-access.js';
import { messagingRoutes } from './modules/messaging/routes.js';
import { threadOwner } from './modules/messaging/thread-queries.js';
import type { Broadcaster } from './platform/realtime/event-log.js';
import {
  createLateBroadcaster,
  type LateBroadcaster,
} from './platform/realtime/late-broadcaster.js';
import {
  createRealtimeServer,
  type RealtimeServer,
  type RealtimeServerOptions,
} from './platform/realtime/realtime-server.js';
import {
  clinicScoped,
  createRoomAccess,
  type RoomAccessRegistry,
} from './platform/realtime/room-access.js';
import { openObjectStorage } from './platform/storage/object-storage.js';
import { fileAnchorStore } from './modules/audit/anchor-store.js';
import { startAnchoring } from './modules/audit/anchoring.js';
import { registerAuditHooks } from './modules/audit/audit-hooks.js';
import { auditMetrics } from './modules/audit/audit-metrics.js';
import { createAuditService } from './modules/audit/audit-service.js';
import { createAuditWriter, type AuditWriter } from './modules/audit/audit-writer.js';
import { auditRoutes } from './modules/audit/routes.js';
import {
  createLoginThrottle,
  memoryFailureStore,
  redisFailureStore,
} from './modules/identity/login-throttle.js';
import { deviceCookieKey } from './platform/crypto/derive-key.js';
import { createFieldCipher } from './platform/crypto/field-cipher.js';
import { readSessionToken } from './modules/identity/session-cookie.js';
import { createSessionService } from './modules/identity/session-service.js';
import { AppError, errorHandler, sendProblem } from './platform/errors.js';
import { loggerOptions } from './platform/logger.js';
import { trackAllowedMethods } from './platform/method-not-allowed.js';
import { metricsRoute, registerMetrics, type Metrics } from './platform/metrics.js';
import { registerSecurityHeaders } from './platform/security-headers.js';
import { isAppNavigation, registerWebApp } from './platform/web-app.js';
import { withTimeout } from './platform/with-timeout.js';
import { version } from './version.js';

/** Everything with a side effect that the app needs, built once by main.ts (or a test). */
export interface AppDeps {
  config: Config;
  database: Database;
  redis?: Redis | undefined;
  /** Outbox in the database unless given (main.ts passes SMTP when configured). */
  mailer?: Mailer | undefined;
  clock?: Clock;
  /** Where logs go; stdout unless a test captures them. */
  logStream?: DestinationStream;
  /**
   * The audit trail's writer; the real one unless given. Only the audit-overhead benchmark
   * passes another (to measure the trail's cost): nothing in the product does.
   */
  auditWriter?: AuditWriter;
  /**
   * The job queue (main.ts: a worker or a producer): bookings queue their confirmations
   * and reminders on it. Without it (most tests) no notices are queued.
   */
  jobs?: JobQueue | undefined;
  /** Sends committed realtime events to sockets (the Socket.IO layer); none when absent. */
  realtime?: Broadcaster | undefined;
  /**
   * Serve Socket.IO at /socket.io on the app's HTTP server (platform/realtime): main.ts for
   * the roles that answer clients; tests that use sockets (an object tunes it).
   */
  realtimeServer?: boolean | RealtimeServerOptions | undefined;
}

export interface BuiltApp {
  app: FastifyInstance;
  routes: RouteRecord[];
  metrics: Metrics;
  /** The audit trail's writer (tests wait on it; the bench compares with and without). */
  auditWriter: AuditWriter;
  /** Who may join messaging's socket rooms (`thread:`, `clinic-inbox:`), for the socket layer. */
  messagingRooms: MessagingRoomAccess;
  /** Sends committed realtime events to the sockets in their rooms (once the server exists). */
  realtime: LateBroadcaster;
  /** Who may join which socket room: modules register their room kinds here. */
  roomAccess: RoomAccessRegistry;
  /** The Socket.IO server, when `realtimeServer` asked for one. */
  realtimeServer: RealtimeServer | undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a caller's correlation id when it is well-formed; otherwise makes a new one. */
function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export async function buildApp(deps: AppDeps): Promise<BuiltApp> {
  const { config, database, redis } = deps;
  const production = config.env === 'production';

  const app = Fastify({
    logger: {
      ...loggerOptions(config.logLevel),
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    genReqId: requestId,
    requestIdHeader: false,
    trustProxy: trustProxy(config.trustProxy),
    bodyLimit: config.bodyLimitBytes,
    // Requests arriving during shutdown get a problem+json 503 from the hook below.
    return503OnClosing: false,
    // One line per request (logged in onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const routes = collectRoutes(app);
  const allowedMethods = trackAllowedMethods(app);

  // While shutting down, refuse new requests and tell each client to drop its keep-alive
  // connection after the response it is waiting for; otherwise close() would wait for
  // idle sockets to time out.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (closing) throw new AppError('service-unavailable', 'The server is restarting; retry.');
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 10) / 10 },
      'request completed',
    );
  });
  registerSecurityHeaders(app, production);
  app.setErrorHandler(errorHandler);
  await app.register(cookie);
  app.decorateRequest('actor', undefined);
  app.decorateRequest('recordAccess', undefined);

  await app.register(cors, {
    // No CORS headers at all unless origins are listed: the web app is same-origin.
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
  });
  await app.register(compress, { global: true, threshold: 1024 });
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowMs,
    ...(redis ? { redis, nameSpace: 'rate-limit:' } : {}),
    // A Redis outage must not take the API down; readiness reports it instead.
    skipOnError: true,
    // The web app's static files are public and cacheable; one page load fetches several,
    // which must not eat the per-client API budget.
    allowList: (request) => request.routeOptions.config.routeGroup === 'web-app',
    errorResponseBuilder: (_request, context) =>
      new AppError('rate-limited', `Try again in ${Math.ceil(context.ttl / 1000)} seconds.`),
  });
  const clock = deps.clock ?? systemClock;
  // Services broadcast through this from the start; the Socket.IO server binds to it once
  // it exists (after the routes), and a test may pass its own broadcaster as well.
  const realtime = createLateBroadcaster();
  if (deps.realtime) realtime.bind(deps.realtime);
  // Who may join which socket room: each module registers its own kinds (messaging
  // `thread:` and `clinic-inbox:` below, video visits `visit:`).
  const roomAccess = createRoomAccess();
  // The visits module (built with the routes; scheduling asks it before changing a visit).
  let visits: VisitService | undefined;
  // Its guests (invite links, no account): their sockets authenticate by their own cookie.
  let visitGuests: VisitGuestService | undefined;
  const mailer = deps.mailer ?? createOutboxMailer(database.db);
  const clinics = createClinicService(database.db, clock);
  const sessions = createSessionService(database.db, clock, config.idleTimeouts);
  const fieldCipher = createFieldCipher(config.dataEncryptionKeys);
  const mfa = createMfaService(database.db, clock, fieldCipher);
  const throttle = createLoginThrottle(
    redis ? redisFailureStore(redis) : memoryFailureStore(clock),
    clock,
    deviceCookieKey(config.dataEncryptionKeys[0]!.key),
  );
  const accounts = createAccountService({
    db: database.db,
    clock,
    mailer,
    sessions,
    clinics,
    publicUrl: config.publicUrl,
    log: app.log,
  });

  const directory = createPeopleDirectory(database.db);
  const care = createCareService({
    db: database.db,
    clock,
    mailer,
    directory,
    publicUrl: config.publicUrl,
    log: app.log,
    // A booked or completed visit links its provider to the patient (scheduling).
    relationshipSources: [visitRelationship(database.db)],
  });
  // Answers name an appointment only if it is the patient's own (scheduling decides).
  const intake = createIntakeService({
    db: database.db,
    clock,
    appointmentCheck: (clinicId, patientId, appointmentId) =>
      isPatientsAppointment(database.db, clinicId, patientId, appointmentId),
  });

  // Scheduling and video visits call these: the licensing rule and the consent check.
  const licensing = createLicensingService({ db: database.db, directory });
  const consents = createConsentService({ db: database.db, clock });
  const providers = createProviderService({ db: database.db, clock, directory });
  // Scheduling, the bookable side: visit types, providers' hours, the slot search. Booked
  // time comes from the booking side (the same query as appointments.busySpans).
  const availability = createAvailabilityModule({
    db: database.db,
    clock,
    directory,
    providers,
    intake,
    busySpans: createBusySpans(database.db),
  });

  const documents = createDocumentService({
    db: database.db,
    clock,
    directory,
    cipher: fieldCipher,
    storage: await openObjectStorage(config.storage, { cipher: fieldCipher, clock }),
    maxBytes: config.documents.maxBytes,
  });
  // A provider's photo is a document; the profile keeps pointing at the current one.
  documents.onProviderPhotoChange((clinicId, providerId, documentId) =>
    providers.setPhoto(clinicId, providerId, documentId),
  );

  app.addHook('onRequest', csrfHook(config.corsOrigins));
  // Before the body is even parsed: a caller without access learns nothing, not even
  // which fields a route expects.
  app.addHook(
    'onRequest',
    accessHook(
      async (request) => {
        const token = readSessionToken(request);
        return token ? sessions.resolve(token) : undefined;
      },
      (clinicId, patientId, providerId) => care.recordFacts(clinicId, patientId, providerId),
      // `/threads/:threadId` routes: whose thread it is decides who reaches it.
      { [MESSAGE_THREAD]: threadOwner(database.db), [VISIT]: appointmentOwner(database.db) },
    ),
  );

  // Registered before any route so the OpenAPI document sees every one of them.
  if (config.role !== 'worker') {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'OpenVisit API',
          version,
          description: 'Errors are RFC 9457 problem+json documents.',
        },
      },
      transform: jsonSchemaTransform,
    });
  }

  const metrics = registerMetrics(app, () => database.poolStats());

  // The audit trail: hooks before any route, so every audited route gets them.
  const auditWriter =
    deps.auditWriter ?? createAuditWriter(database.db, clock, auditMetrics(metrics.registry));
  registerAuditHooks(app, auditWriter, () => clock.now(), app.log);
  if (config.role !== 'api' && config.role !== 'migrate') {
    const anchoring = startAnchoring(
      auditWriter,
      fileAnchorStore(config.audit.anchorDir),
      config.audit.anchorIntervalMs,
      app.log,
      () => clock.now(),
    );
    app.addHook('onClose', () => anchoring.stop());
  } else {
    app.addHook('onClose', () => auditWriter.flush());
  }

  if (!config.metrics.port) metricsRoute(app, metrics, config.metrics.token);

  const probes: Record<string, Probe> = { database: () => database.ping(CHECK_TIMEOUT_MS) };
  if (redis) probes.redis = async () => void (await withTimeout(redis.ping(), CHECK_TIMEOUT_MS));
  const health = createHealthService(probes);
  await app.register(healthRoutes, { health });

  let appFallback: Awaited<ReturnType<typeof registerWebApp>> = undefined;
  if (config.role !== 'worker') {
    await app.register(async (docs) => {
      markRoutesPublic(docs, 'api-docs');
      await docs.register(swaggerUi, { routePrefix: '/api/docs' });
    });
    app.get(
      '/api/openapi.json',
      { config: { access: { rule: 'public' } }, schema: { hide: true } },
      async () => app.swagger(),
    );
    await app.register(systemRoutes, {
      info: { name: 'OpenVisit', version, demo: config.demoSeed, database: database.kind },
    });
    await app.register(clinicRoutes, { clinics });
    await app.register(identityRoutes, { accounts, sessions, throttle, production });
    await app.register(mfaRoutes, { mfa, throttle, accounts, sessions, production });
    await app.register(clinicPeopleRoutes, {
      people: createClinicPeopleService({
        db: database.db,
        clock,
        mailer,
        sessions,
        publicUrl: config.publicUrl,
        log: app.log,
      }),
    });
    await app.register(careRoutes, { care });
    await app.register(providerRoutes, { providers, licensing, clock });
    await app.register(availabilityRoutes, availability);
    await app.register(consentRoutes, { consents });
    await app.register(intakeRoutes, { intake });
    const chart = createPatientChart({
      db: database.db,
      clock,
      directory,
      cipher: fieldCipher,
      checkDocument: (clinicId, patientId, documentId) =>
        documents.assertPatientDocument(clinicId, patientId, documentId, 'insurance-card'),
    });
    await app.register(chartRoutes, chart);
    const appointments = createAppointmentService({
      db: database.db,
      clock,
      directory,
      consentStatus: (clinicId, patientId) => consents.status(clinicId, patientId),
      patientState: (clinicId, patientId) => chart.profiles.state(clinicId, patientId),
      assertMayPractise: (...args) => licensing.assertMayPractise(...args),
      // The slot engine decides which starts are offered; the INSERT decides who gets one.
      slotCheck: (...args) => availability.slots.assertBookable(...args),
      notices:
        deps.jobs &&
        createAppointmentNotices({
          jobs: deps.jobs,
          clock,
          reminderOffsets: config.appointmentReminders,
          onError: (err) =>
            app.log.error(
              { err },
              'queueing an appointment notice failed; the repair pass redoes it',
            ),
        }),
      // The visit's say on cancelling or moving a visit that has begun (bound below).
      visitGuard: {
        assertMayChange: (...args) => visits!.guard.assertMayChange(...args),
        changed: (appointmentId) => visits!.guard.changed(appointmentId),
      },
    });
    await app.register(appointmentRoutes, { appointments });
    visits = createVisitService({
      db: database.db,
      clock,
      directory,
      appointments,
      broadcaster: realtime,
      metrics: metrics.registry,
      log: app.log,
      onClosed: (visitId) => visitGuests?.visitClosed(visitId),
    });
    await app.register(visitRoutes, {
      visits,
      iceServersFor: (userId) => iceServersFor(config.ice, clock, userId),
    });
    const visitsForGuests = visits;
    visitGuests = createVisitGuestService({
      db: database.db,
      clock,
      publicUrl: config.publicUrl,
      visitOf: (clinicId, visitId) => visitsForGuests.find(clinicId, visitId),
      appointments,
      broadcaster: realtime,
      disconnect: (guestId) => realtimeServer?.disconnectPerson(guestId),
      log: app.log,
    });
    await app.register(visitGuestRoutes, {
      guests: visitGuests,
      iceServersFor: (guestId) => iceServersFor(config.ice, clock, guestId),
      production,
    });
    const visitsForNotes = visits;
    await app.register(visitNoteRoutes, {
      notes: createVisitNoteService({
        db: database.db,
        clock,
        directory,
        visitOf: (clinicId, visitId) => visitsForNotes.find(clinicId, visitId),
        broadcaster: realtime,
      }),
    });
    await app.register(correctionRoutes, chart);
    await app.register(documentRoutes, { documents });
    await app.register(messagingRoutes, {
      messaging: createMessagingService({
        db: database.db,
        clock,
        directory,
        recordFacts: (...args) => care.recordFacts(...args),
        careTeamOf: async (clinicId, patientId) =>
          (await care.patientSummary(clinicId, patientId)).careTeam.map((m) => m.providerId),
        documents,
        broadcaster: realtime,
        notices:
          deps.jobs &&
          createMessageNotices({
            jobs: deps.jobs,
            clock,
            onError: (err) =>
              app.log.error({ err }, 'queueing a new-message notice failed; none will be sent'),
          }),
        log: app.log,
      }),
    });
    const smsOptOuts = createSmsOptOuts(database.db);
    await app.register(preferencesRoutes, {
      preferences: createNotificationPreferences(database.db),
      optOuts: smsOptOuts,
    });
    await app.register(smsWebhookRoutes, {
      twilio: config.sms.twilio,
      publicUrl: config.publicUrl,
      optOuts: smsOptOuts,
    });
    await app.register(auditRoutes, {
      audit: createAuditService({ db: database.db, clock, directory }),
    });
    appFallback = await registerWebApp(app, config.webDistDir);
  }

  // Unmatched requests count against the rate limit too (scanners probe unknown paths).
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
    if (appFallback && isAppNavigation(request)) return appFallback(request, reply);
    const allowed = allowedMethods(request.url.split('?')[0] ?? '/');
    if (allowed.length) {
      void reply.header('allow', allowed.join(', '));
      return sendProblem(reply, 'method-not-allowed', `Use ${allowed.join(', ')}.`);
    }
    return sendProblem(reply, 'not-found', 'Nothing exists at this address.');
  });

  // Not ready()-ed: main.ts listens (which readies it) and tests may add routes first.
  const messagingRooms = createMessagingRoomAccess({
    db: database.db,
    recordFacts: (...args) => care.recordFacts(...args),
  });

  // Messaging decides who joins its socket rooms; the join of a thread is audited against
  // the thread's patient.
  const owner = threadOwner(database.db);
  roomAccess.registerRoomKind('thread', {
    auditResource: MESSAGE_THREAD,
    authorize: clinicScoped(
      'thread',
      (person, room) => messagingRooms.mayJoin(person, room),
      async (clinicId, threadId) => ({ patientId: await owner(clinicId, threadId) }),
    ),
  });
  roomAccess.registerRoomKind('clinic-inbox', {
    authorize: clinicScoped('clinic-inbox', (person, room) => messagingRooms.mayJoin(person, room)),
  });
  if (visits) registerVisitRooms(roomAccess, visits, appointmentOwner(database.db));
  let realtimeServer: RealtimeServer | undefined;
  if (deps.realtimeServer && config.role !== 'worker') {
    realtimeServer = createRealtimeServer({
      httpServer: app.server,
      sessions,
      db: database.db,
      redis,
      log: app.log,
      config,
      roomAccess,
      audit: auditWriter,
      clock,
      metrics: metrics.registry,
      options: typeof deps.realtimeServer === 'object' ? deps.realtimeServer : {},
      ...(visitGuests ? { guests: guestSockets(visitGuests) } : {}),
    });
    if (visits) registerVisitSignaling(realtimeServer, visits);
    const unbind = realtime.bind(realtimeServer);
    const closing = realtimeServer;
    // Sockets hold their connections open: they go first, or closing the server would wait.
    app.addHook('preClose', async () => {
      unbind();
      await closing.close();
    });
  }
  return {
    app,
    routes,
    metrics,
    auditWriter,
    messagingRooms,
    realtime,
    roomAccess,
    realtimeServer,
  };
}

/** Visit guests' sockets: their own cookie, resolved by the visits module. */
function guestSockets(guests: VisitGuestService) {
  return { tokenOf: readGuestToken, resolve: (token: string) => guests.actorOf(token) };
}

/** A hop count trusts that many proxies in front of us (what proxy-addr does with a number). */
function trustProxy(
  setting: boolean | number,
): boolean | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
