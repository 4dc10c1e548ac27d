import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolStats } from '../db/client.js';
import { AppError } from './errors.js';

export interface Metrics {
  registry: Registry;
}

/**
 * Prometheus metrics: HTTP traffic by route pattern (never by concrete URL, which would
 * explode cardinality and could embed identifiers), event loop lag and the DB pool.
 */
export function registerMetrics(app: FastifyInstance, poolStats: () => PoolStats): Metrics {
  // A registry per app instance keeps tests that build several apps independent.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const pool = (name: string, help: string, pick: (s: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(poolStats()));
      },
    });
  pool('openvisit_db_pool_total', 'Database connections open', (s) => s.total);
  pool('openvisit_db_pool_idle', 'Database connections idle', (s) => s.idle);
  pool('openvisit_db_pool_waiting', 'Queries waiting for a database connection', (s) => s.waiting);

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.config.routeGroup ?? request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  return { registry };
}

/** Registers GET /metrics, requiring the bearer token when one is configured. */
export function metricsRoute(app: FastifyInstance, metrics: Metrics, token: string | undefined) {
  app.get(
    '/metrics',
    { config: { access: { rule: 'metrics' }, rateLimit: false }, schema: { hide: true } },
    async (request, reply) => {
      if (token && !bearerMatches(request.headers.authorization, token)) {
        throw new AppError(
          'unauthenticated',
          'A valid metrics bearer token is required.',
          undefined,
          {
            'www-authenticate': 'Bearer realm="metrics"',
          },
        );
      }
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  );
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
