import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
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
import { createHealthService, type Probe } from './modules/health/service.js';
import { systemRoutes } from './modules/system/routes.js';
import {
  collectRoutes,
  enforceAccess,
  markRoutesPublic,
  type RouteRecord,
} from './platform/access.js';
import { AppError, errorHandler, sendProblem } from './platform/errors.js';
import { loggerOptions } from './platform/logger.js';
import { trackAllowedMethods } from './platform/method-not-allowed.js';
import { metricsRoute, registerMetrics, type Metrics } from './platform/metrics.js';
import { registerSecurityHeaders } from './platform/security-headers.js';
import { isAppNavigation, registerWebApp } from './platform/web-app.js';
import { version } from './version.js';

/** Everything with a side effect that the app needs, built once by main.ts (or a test). */
export interface AppDeps {
  config: Config;
  database: Database;
  redis?: Redis | undefined;
  /** Where logs go; stdout unless a test captures them. */
  logStream?: DestinationStream;
}

export interface BuiltApp {
  app: FastifyInstance;
  routes: RouteRecord[];
  metrics: Metrics;
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
    return503OnClosing: true,
    // One line per request (logged in onResponse below) instead of Fastify's two.
    disableRequestLogging: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const routes = collectRoutes(app);
  const allowedMethods = trackAllowedMethods(app);

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 10) / 10 },
      'request completed',
    );
  });
  registerSecurityHeaders(app, production);
  app.setErrorHandler(errorHandler);

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
    errorResponseBuilder: (_request, context) =>
      new AppError('rate-limited', `Try again in ${Math.ceil(context.ttl / 1000)} seconds.`),
  });
  app.addHook('preHandler', enforceAccess);

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
  if (!config.metrics.port) metricsRoute(app, metrics, config.metrics.token);

  const probes: Record<string, Probe> = { database: () => database.ping(health.timeoutMs) };
  if (redis) probes.redis = async () => void (await withTimeout(redis.ping(), health.timeoutMs));
  const health = createHealthService(probes);
  await app.register(healthRoutes, { health });

  let appFallback: Awaited<ReturnType<typeof registerWebApp>> = undefined;
  if (config.role !== 'worker') {
    await app.register(async (docs) => {
      markRoutesPublic(docs);
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
    await app.register(clinicRoutes, { clinics: createClinicService(database.db) });
    appFallback = await registerWebApp(app, config.webDistDir);
  }

  app.setNotFoundHandler((request, reply) => {
    if (appFallback && isAppNavigation(request)) return appFallback(request, reply);
    const allowed = allowedMethods(request.url.split('?')[0] ?? '/');
    if (allowed.length) {
      void reply.header('allow', allowed.join(', '));
      return sendProblem(reply, 'method-not-allowed', `Use ${allowed.join(', ')}.`);
    }
    return sendProblem(reply, 'not-found', 'Nothing exists at this address.');
  });

  // Not ready()-ed: main.ts listens (which readies it) and tests may add routes first.
  return { app, routes, metrics };
}

/** A hop count trusts that many proxies in front of us (what proxy-addr does with a number). */
function trustProxy(
  setting: boolean | number,
): boolean | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
